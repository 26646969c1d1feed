import { z } from 'zod';

/** One bean-validation item in an IP error body (Spring `FieldError`). @category Models */
export const ValidationErrorItemSchema = z.looseObject({
  codes: z.array(z.string()).optional(),
  defaultMessage: z.string().optional(),
  objectName: z.string().optional(),
  field: z.string().optional(),
  rejectedValue: z.unknown().optional(),
  bindingFailure: z.boolean().optional(),
  code: z.string().optional(),
  arguments: z.array(z.unknown()).optional(),
});
/** @category Models */
export type ValidationErrorItem = z.infer<typeof ValidationErrorItemSchema>;

/**
 * The IP's error JSON (`IntegrasjonspunktErrorController`, Spring Boot's error attributes).
 * @category Models
 */
export const ApiErrorBodySchema = z.looseObject({
  timestamp: z.string().optional(),
  status: z.number().optional(),
  error: z.string().optional(),
  exception: z.string().optional(),
  message: z.string().optional(),
  path: z.string().optional(),
  errors: z.array(ValidationErrorItemSchema).optional(),
  description: z.string().optional(),
  trace: z.array(z.string()).optional(),
});
/** @category Models */
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;
