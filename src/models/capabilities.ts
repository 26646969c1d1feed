import { z } from 'zod';
import { isPlainCapabilities } from './checks.js';
import { openEnum, withFastCheck } from './common.js';
import { SERVICE_IDENTIFIERS } from './status.js';

/** @category Models */
export const PostalAddressSchema = z.looseObject({
  name: z.string().optional(),
  street: z.string().optional(),
  postalCode: z.string().optional(),
  postalArea: z.string().optional(),
  country: z.string().optional(),
});

/** One way a receiver can be reached (`Capability` of the IP's `CapabilitiesController`). @category Models */
export const CapabilitySchema = z.looseObject({
  process: z.string(),
  serviceIdentifier: openEnum(SERVICE_IDENTIFIERS),
  postAddress: PostalAddressSchema.optional(),
  returnAddress: PostalAddressSchema.optional(),
  documentTypes: z.array(z.looseObject({ type: z.string().optional(), standard: z.string() })),
  digitalPostAddress: z.looseObject({ supplier: z.string(), address: z.string() }).optional(),
});
/** @category Models */
export type Capability = z.infer<typeof CapabilitySchema>;

/** `GET /api/capabilities/{receiverIdentifier}`. @category Models */
export const CapabilitiesSchema = withFastCheck(z.looseObject({ capabilities: z.array(CapabilitySchema) }), isPlainCapabilities);
/** @category Models */
export type Capabilities = z.infer<typeof CapabilitiesSchema>;
