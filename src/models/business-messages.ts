import { z } from 'zod';

/**
 * Business message bodies (the classes of the IP's `BusinessMessageType`). Responses are parsed leniently, so these schemas keep unknown fields.
 * Builders in `src/messages/` produce them.
 * @module
 */

/** Known message types (`documentIdentification.type`). @category Models */
export const MESSAGE_TYPES = [
  'arkivmelding',
  'arkivmelding_kvittering',
  'avtalt',
  'digital',
  'digital_dpv',
  'print',
  'innsynskrav',
  'publisering',
  'einnsyn_kvittering',
  'dialogmelding',
  'dialogmelding_kvittering',
  'status',
] as const;
/** @category Models */
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Receipt types: no ASiC, pop answers 204, no files required (`SBDUtil.isReceipt`). @category Models */
export const RECEIPT_TYPES = ['arkivmelding_kvittering', 'einnsyn_kvittering', 'dialogmelding_kvittering'] as const;

/** Types that may be sent without files (`NextMoveValidator`, MissingFileException otherwise). @category Models */
export const TYPES_WITHOUT_FILES: readonly string[] = [...RECEIPT_TYPES, 'status', 'avtalt'];

/** True for receipt types, which come without an ASiC. @category Models */
export function isReceiptType(type: string): boolean {
  return (RECEIPT_TYPES as readonly string[]).includes(type);
}

/** Document type standard for each message type (`MessageType`). @category Models */
export const STANDARDS: Record<Exclude<MessageType, never>, string> = {
  arkivmelding: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
  arkivmelding_kvittering: 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering',
  avtalt: 'urn:no:difi:avtalt:xsd::avtalt',
  digital: 'urn:no:difi:digitalpost:xsd:digital::digital',
  digital_dpv: 'urn:no:difi:digitalpost:xsd:digital::digital_dpv',
  print: 'urn:no:difi:digitalpost:xsd:fysisk::print',
  innsynskrav: 'urn:no:difi:einnsyn:xsd::innsynskrav',
  publisering: 'urn:no:difi:einnsyn:xsd::publisering',
  einnsyn_kvittering: 'urn:no:difi:einnsyn:xsd::einnsyn_kvittering',
  dialogmelding: 'urn:no:difi:helse:xsd:schema::dialogmelding',
  dialogmelding_kvittering: 'urn:no:difi:helse:xsd::dialogmelding_kvittering',
  status: 'urn:no:difi:eformidling:xsd::status',
};

/** Processes known to the IP (the service registry's process URNs). @category Models */
export const PROCESSES = {
  arkivmelding: {
    administrasjon: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
    planByggOgGeodata: 'urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0',
    helseSosialOgOmsorg: 'urn:no:difi:profile:arkivmelding:helseSosialOgOmsorg:ver1.0',
    oppvekstOgUtdanning: 'urn:no:difi:profile:arkivmelding:oppvekstOgUtdanning:ver1.0',
    kulturIdrettOgFritid: 'urn:no:difi:profile:arkivmelding:kulturIdrettOgFritid:ver1.0',
    trafikkReiserOgSamferdsel: 'urn:no:difi:profile:arkivmelding:trafikkReiserOgSamferdsel:ver1.0',
    naturOgMiljoe: 'urn:no:difi:profile:arkivmelding:naturOgMiljoe:ver1.0',
    naeringsutvikling: 'urn:no:difi:profile:arkivmelding:naeringsutvikling:ver1.0',
    skatterOgAvgifter: 'urn:no:difi:profile:arkivmelding:skatterOgAvgifter:ver1.0',
    tekniskeTjenester: 'urn:no:difi:profile:arkivmelding:tekniskeTjenester:ver1.0',
    response: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
  },
  avtalt: {
    avtalt: 'urn:no:difi:profile:avtalt:avtalt:ver1.0',
    response: 'urn:no:difi:profile:avtalt:response:ver1.0',
  },
  digitalpost: {
    info: 'urn:no:difi:profile:digitalpost:info:ver1.0',
    vedtak: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0',
  },
  einnsyn: {
    innsynskrav: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0',
    journalpost: 'urn:no:difi:profile:einnsyn:journalpost:ver1.0',
    meeting: 'urn:no:difi:profile:einnsyn:meeting:ver1.0',
    response: 'urn:no:difi:profile:einnsyn:response:ver1.0',
  },
  helse: {
    helse: 'urn:no:difi:profile:helse:helse:ver1.0',
    response: 'urn:no:difi:profile:helse:response:ver1.0',
  },
} as const;

/** DPV notification types as the IP spells them on the wire (`DpvVarselType`'s `@JsonValue`). @category Models */
export const DPV_VARSEL_TYPES = ['VarselDPVUtenRevarsel', 'VarselDPVMedRevarsel'] as const;
/** DPV notification channels (`DpvVarselTransportType`'s `@JsonValue`). @category Models */
export const DPV_VARSEL_TRANSPORT_TYPES = ['Epost', 'SMS', 'EpostOgSMS'] as const;
/** Print colours (`PrintColor`). @category Models */
export const PRINT_COLORS = ['SORT_HVIT', 'FARGE'] as const;
/** Postal categories (`PostalCategory`). @category Models */
export const POSTAL_CATEGORIES = ['A_PRIORITERT', 'B_OEKONOMI'] as const;
/** Handling of returned mail (`ReturnHandling`). @category Models */
export const RETURN_HANDLINGS = ['DIREKTE_RETUR', 'MAKULERING_MED_MELDING'] as const;

/** @category Models */
export const DpvSettingsSchema = z.looseObject({
  varselType: z.enum(DPV_VARSEL_TYPES).optional(),
  varselTransportType: z.enum(DPV_VARSEL_TRANSPORT_TYPES).optional(),
  varselTekst: z.string().optional(),
  taushetsbelagtVarselTekst: z.string().optional(),
  dagerTilSvarfrist: z.number().int().optional(),
});
/** @category Models */
export type DpvSettings = z.infer<typeof DpvSettingsSchema>;

/** @category Models */
export const ArkivmeldingMessageSchema = z.looseObject({
  hoveddokument: z.string().optional(),
  sikkerhetsnivaa: z.number().int().optional(),
  dpv: DpvSettingsSchema.optional(),
  dpf: z.looseObject({ forsendelseType: z.string().optional() }).optional(),
});
/** @category Models */
export type ArkivmeldingMessage = z.infer<typeof ArkivmeldingMessageSchema>;

/** Receipt types of an arkivmelding_kvittering. @category Models */
export const RECEIPT_TYPE_VALUES = ['OK', 'WARNING', 'ERROR', 'NOTSUPPORTED'] as const;

/** @category Models */
export const ArkivmeldingKvitteringMessageSchema = z.looseObject({
  receiptType: z.string(),
  relatedToMessageId: z.string().optional(),
  messages: z.array(z.looseObject({ code: z.string().optional(), text: z.string().optional() })).optional(),
  hoveddokument: z.string().optional(),
});
/** @category Models */
export type ArkivmeldingKvitteringMessage = z.infer<typeof ArkivmeldingKvitteringMessageSchema>;

/** @category Models */
export const AvtaltMessageSchema = z.looseObject({
  identifier: z.string().optional(),
  content: z.unknown().optional(),
  hoveddokument: z.string().optional(),
});
/** @category Models */
export type AvtaltMessage = z.infer<typeof AvtaltMessageSchema>;

/** @category Models */
export const DigitalMessageSchema = z.looseObject({
  sikkerhetsnivaa: z.number().int(),
  hoveddokument: z.string(),
  avsenderId: z.string().optional(),
  fakturaReferanse: z.string().optional(),
  tittel: z.string(),
  spraak: z.string(),
  digitalPostInfo: z.looseObject({ virkningsdato: z.string(), aapningskvittering: z.boolean() }),
  varsler: z.looseObject({ epostTekst: z.string().optional(), smsTekst: z.string().optional() }).optional(),
  metadataFiler: z.record(z.string(), z.string()).optional(),
});
/** @category Models */
export type DigitalMessage = z.infer<typeof DigitalMessageSchema>;

/** @category Models */
export const DigitalDpvMessageSchema = z.looseObject({
  tittel: z.string(),
  sammendrag: z.string(),
  innhold: z.string(),
  dpv: DpvSettingsSchema.optional(),
  hoveddokument: z.string().optional(),
});
/** @category Models */
export type DigitalDpvMessage = z.infer<typeof DigitalDpvMessageSchema>;

/** @category Models */
export const PostAddressSchema = z.looseObject({
  navn: z.string(),
  adresselinje1: z.string(),
  adresselinje2: z.string().optional(),
  adresselinje3: z.string().optional(),
  adresselinje4: z.string().optional(),
  postnummer: z.string(),
  poststed: z.string(),
  land: z.string().optional(),
});
/** @category Models */
export type PostAddress = z.infer<typeof PostAddressSchema>;

/** @category Models */
export const PrintMessageSchema = z.looseObject({
  hoveddokument: z.string(),
  avsenderId: z.string().optional(),
  fakturaReferanse: z.string().optional(),
  mottaker: PostAddressSchema,
  utskriftsfarge: z.enum(PRINT_COLORS).optional(),
  posttype: z.enum(POSTAL_CATEGORIES).optional(),
  retur: z.looseObject({ mottaker: PostAddressSchema, returhaandtering: z.enum(RETURN_HANDLINGS) }),
  printinstruksjoner: z.record(z.string(), z.string()).optional(),
});
/** @category Models */
export type PrintMessage = z.infer<typeof PrintMessageSchema>;

/** @category Models */
export const InnsynskravMessageSchema = z.looseObject({
  orgnr: z.string(),
  epost: z.string(),
  hoveddokument: z.string().optional(),
});
/** @category Models */
export type InnsynskravMessage = z.infer<typeof InnsynskravMessageSchema>;

/** @category Models */
export const PubliseringMessageSchema = z.looseObject({ orgnr: z.string(), hoveddokument: z.string().optional() });
/** @category Models */
export type PubliseringMessage = z.infer<typeof PubliseringMessageSchema>;

/** @category Models */
export const EinnsynKvitteringMessageSchema = z.looseObject({
  dokumentId: z.string(),
  status: z.string(),
  referanseType: z.enum(['innsynskrav', 'publisering']),
  hoveddokument: z.string().optional(),
});
/** @category Models */
export type EinnsynKvitteringMessage = z.infer<typeof EinnsynKvitteringMessageSchema>;

/** @category Models */
export const DialogmeldingMessageSchema = z.looseObject({
  hoveddokument: z.string(),
  pasient: z
    .looseObject({
      fnr: z.string(),
      fornavn: z.string().optional(),
      mellomnavn: z.string().optional(),
      etternavn: z.string().optional(),
    })
    .optional(),
  metadataFiler: z.record(z.string(), z.looseObject({ issueDate: z.string().optional(), description: z.string().optional() })).optional(),
});
/** @category Models */
export type DialogmeldingMessage = z.infer<typeof DialogmeldingMessageSchema>;

/** @category Models */
export const DialogmeldingKvitteringMessageSchema = z.looseObject({
  relatedToMessageId: z.string().optional(),
  status: z.string().optional(),
  messages: z.array(z.looseObject({ code: z.string().optional(), text: z.string().optional() })).optional(),
  rawReceipt: z.string().optional(),
});

/** Schema of each known business message, by type. @category Models */
export const BUSINESS_MESSAGE_SCHEMAS = {
  arkivmelding: ArkivmeldingMessageSchema,
  arkivmelding_kvittering: ArkivmeldingKvitteringMessageSchema,
  avtalt: AvtaltMessageSchema,
  digital: DigitalMessageSchema,
  digital_dpv: DigitalDpvMessageSchema,
  print: PrintMessageSchema,
  innsynskrav: InnsynskravMessageSchema,
  publisering: PubliseringMessageSchema,
  einnsyn_kvittering: EinnsynKvitteringMessageSchema,
  dialogmelding: DialogmeldingMessageSchema,
  dialogmelding_kvittering: DialogmeldingKvitteringMessageSchema,
  status: z.looseObject({ status: z.string(), hoveddokument: z.string().optional() }),
} as const;

// ---------------------------------------------------------------------------------------------------------------
// What the IP refuses while reading a request (Jackson, into the classes of `BusinessMessageType`)

/** An enum field: one of the wire spellings (Jackson also takes the constant's index), or null. */
const wireEnum = (values: readonly [string, ...string[]]) =>
  z
    .union(
      [
        z.enum(values),
        z
          .number()
          .int()
          .min(0)
          .max(values.length - 1),
      ],
      {
        error: `must be one of ${values.join(', ')} (the IP refuses any other value)`,
      },
    )
    .nullish();
/** An Integer field: a number, or a string of digits (Jackson coerces it), or null. */
const wireInteger = z
  .union([z.number(), z.string().regex(/^\s*([+-]?\d+)?\s*$/)], { error: 'must be an integer (the IP refuses anything else)' })
  .nullish();
/** A Boolean field: a boolean, true/false as a string, an integer, or null. */
const wireBoolean = z
  .union([z.boolean(), z.number().int(), z.string().regex(/^\s*(true|false|True|False|TRUE|FALSE)?\s*$/)], {
    error: 'must be a boolean (the IP refuses anything else)',
  })
  .nullish();
const wireDpv = z
  .looseObject({
    varselType: wireEnum(DPV_VARSEL_TYPES),
    varselTransportType: wireEnum(DPV_VARSEL_TRANSPORT_TYPES),
    dagerTilSvarfrist: wireInteger,
  })
  .nullish();

/**
 * For each type, the fields the IP fails to read when their value is wrong (an unknown enum constant, a non-number
 * for an Integer): 400 HttpMessageNotReadableException. Everything else is left to the IP. Used by
 * `StandardBusinessDocumentRequestSchema` to refuse such a message before it is sent.
 * @category Models
 */
export const BUSINESS_MESSAGE_WIRE_SCHEMAS: Partial<Record<MessageType, z.ZodType>> = {
  arkivmelding: z.looseObject({ sikkerhetsnivaa: wireInteger, dpv: wireDpv }),
  digital: z.looseObject({
    sikkerhetsnivaa: wireInteger,
    digitalPostInfo: z.looseObject({ aapningskvittering: wireBoolean }).nullish(),
  }),
  digital_dpv: z.looseObject({ dpv: wireDpv }),
  print: z.looseObject({
    utskriftsfarge: wireEnum(PRINT_COLORS),
    posttype: wireEnum(POSTAL_CATEGORIES),
    retur: z.looseObject({ returhaandtering: wireEnum(RETURN_HANDLINGS) }).nullish(),
  }),
  einnsyn_kvittering: z.looseObject({ referanseType: wireEnum(['innsynskrav', 'publisering']) }),
  dialogmelding_kvittering: z.looseObject({ status: wireEnum(['OK', 'REJECTED', 'OK_ERROR_IN_MESSAGE_PART']) }),
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const emptyText = (v: unknown) => typeof v !== 'string' || v.length === 0;

function addressIssue(address: unknown, field: string): { path: string[]; message: string } | undefined {
  if (!isRecord(address)) return { path: field.split('.'), message: 'is required (the IP refuses it: MissingAddressInformationException)' };
  const land = address.land;
  const norwegian = land === undefined || land === null || (typeof land === 'string' && /^(norge|norway)$/i.test(land));
  const missing = [
    emptyText(address.adresselinje1) ? 'adresselinje1' : undefined,
    norwegian && emptyText(address.postnummer) ? 'postnummer' : undefined,
    norwegian && emptyText(address.poststed) ? 'poststed' : undefined,
  ].filter((m) => m !== undefined);
  if (missing.length === 0) return undefined;
  return {
    path: [...field.split('.'), missing[0] as string],
    message: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required${norwegian ? ' for a Norwegian address' : ''} (the IP refuses it: MissingAddressInformationException)`,
  };
}

/**
 * Print address rules of the IP (`NextMoveValidator.validatePrintBusinessMessage`) for a `print` message without a
 * receiver, where the IP has no service record to fill addresses from: `mottaker` and `retur.mottaker` need
 * `adresselinje1`, and a Norwegian address (no `land`, or Norge/Norway) also `postnummer` and `poststed`.
 * @returns the first problem, or undefined.
 * @category Models
 */
export function printAddressIssue(print: Record<string, unknown>): { path: string[]; message: string } | undefined {
  const mottaker = addressIssue(print.mottaker, 'mottaker');
  if (mottaker) return mottaker;
  if (!isRecord(print.retur)) return addressIssue(undefined, 'retur');
  return addressIssue(print.retur.mottaker, 'retur.mottaker');
}
