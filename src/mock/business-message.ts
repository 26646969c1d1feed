import {
  DPV_VARSEL_TRANSPORT_TYPES,
  DPV_VARSEL_TYPES,
  POSTAL_CATEGORIES,
  PRINT_COLORS,
  RETURN_HANDLINGS,
} from '../models/business-messages.js';
import { STATUSES } from '../models/status.js';
import { formatDateTime, parseDateTime } from './format.js';
import { frameworkError, type IpError } from './ip-error.js';

/**
 * Reads a business message the way the IP's Jackson `ObjectMapper` reads it into its typed class (the classes of
 * `BusinessMessageType`, package `no.difi.meldingsutveksling.nextmove`): known fields only, in declaration order
 * (unknown fields are dropped, Spring Boot turns `FAIL_ON_UNKNOWN_PROPERTIES` off), Jackson's default scalar
 * coercions (`"3"` for an Integer, `"false"` for a Boolean), and an unknown enum constant or an unconvertible
 * scalar as 400 `HttpMessageNotReadableException`.
 * @internal
 * @module
 */

const PKG = 'no.difi.meldingsutveksling.nextmove';

type Field =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'localDate'
  | 'instant'
  | 'any'
  | { enum: string; values: readonly string[] }
  | { object: string; shape: Shape }
  | { set: string; shape: Shape }
  | { map: Field };
type Shape = Record<string, Field>;

// Enums, with their JSON names (`@JsonValue`/`@JsonProperty` where the class has one).
const DPV_VARSEL_TYPE = { enum: `${PKG}.DpvVarselType`, values: DPV_VARSEL_TYPES } as const;
const DPV_TRANSPORT = { enum: `${PKG}.DpvVarselTransportType`, values: DPV_VARSEL_TRANSPORT_TYPES } as const;
const PRINT_COLOR = { enum: `${PKG}.PrintColor`, values: PRINT_COLORS } as const;
const POSTAL_CATEGORY = { enum: `${PKG}.PostalCategory`, values: POSTAL_CATEGORIES } as const;
const RETURN_HANDLING = { enum: `${PKG}.ReturnHandling`, values: RETURN_HANDLINGS } as const;
const EINNSYN_TYPE = { enum: `${PKG}.EinnsynType`, values: ['innsynskrav', 'publisering'] } as const;
const DIALOG_STATUS = { enum: `${PKG}.DialogmeldingKvitteringStatus`, values: ['OK', 'REJECTED', 'OK_ERROR_IN_MESSAGE_PART'] } as const;
const RECEIPT_STATUS = { enum: 'no.difi.meldingsutveksling.receipt.ReceiptStatus', values: STATUSES } as const;

/** `DpvSettings`. */
const DPV_SETTINGS: Field = {
  object: `${PKG}.DpvSettings`,
  shape: {
    varselType: DPV_VARSEL_TYPE,
    varselTransportType: DPV_TRANSPORT,
    varselTekst: 'string',
    taushetsbelagtVarselTekst: 'string',
    dagerTilSvarfrist: 'integer',
  },
};
/** `PostAddress` (no `landkode`: dropped like any unknown field). */
const POST_ADDRESS: Field = {
  object: `${PKG}.PostAddress`,
  shape: {
    navn: 'string',
    adresselinje1: 'string',
    adresselinje2: 'string',
    adresselinje3: 'string',
    adresselinje4: 'string',
    postnummer: 'string',
    poststed: 'string',
    land: 'string',
  },
};
const KVITTERING_STATUS: Shape = { code: 'string', text: 'string' };

/** Fields of each business message class; `hoveddokument` comes from `BusinessMessageAsAttachment`. */
const CLASSES: Record<string, { name: string; shape: Shape; defaults?: Record<string, () => unknown> }> = {
  status: { name: 'StatusMessage', shape: { hoveddokument: 'string', status: RECEIPT_STATUS } },
  arkivmelding: {
    name: 'ArkivmeldingMessage',
    shape: {
      hoveddokument: 'string',
      sikkerhetsnivaa: 'integer',
      dpv: DPV_SETTINGS,
      dpf: { object: `${PKG}.DpfSettings`, shape: { forsendelseType: 'string' } },
    },
  },
  arkivmelding_kvittering: {
    name: 'ArkivmeldingKvitteringMessage',
    shape: {
      hoveddokument: 'string',
      receiptType: 'string',
      relatedToMessageId: 'string',
      messages: { set: `${PKG}.KvitteringStatusMessage`, shape: KVITTERING_STATUS },
    },
  },
  avtalt: { name: 'AvtaltMessage', shape: { hoveddokument: 'string', identifier: 'string', content: 'any' } },
  digital: {
    name: 'DpiDigitalMessage',
    shape: {
      hoveddokument: 'string',
      sikkerhetsnivaa: 'integer',
      avsenderId: 'string',
      fakturaReferanse: 'string',
      tittel: 'string',
      spraak: 'string',
      digitalPostInfo: { object: `${PKG}.DigitalPostInfo`, shape: { virkningsdato: 'localDate', aapningskvittering: 'boolean' } },
      varsler: { object: `${PKG}.DpiNotification`, shape: { epostTekst: 'string', smsTekst: 'string' } },
      metadataFiler: { map: 'string' },
    },
    defaults: { metadataFiler: () => ({}) },
  },
  digital_dpv: {
    name: 'DigitalDpvMessage',
    shape: { hoveddokument: 'string', tittel: 'string', sammendrag: 'string', innhold: 'string', dpv: DPV_SETTINGS },
  },
  print: {
    name: 'DpiPrintMessage',
    shape: {
      hoveddokument: 'string',
      avsenderId: 'string',
      fakturaReferanse: 'string',
      mottaker: POST_ADDRESS,
      utskriftsfarge: PRINT_COLOR,
      posttype: POSTAL_CATEGORY,
      retur: { object: `${PKG}.MailReturn`, shape: { mottaker: POST_ADDRESS, returhaandtering: RETURN_HANDLING } },
      printinstruksjoner: { map: 'string' },
    },
    defaults: { printinstruksjoner: () => ({}) },
  },
  dialogmelding: {
    name: 'DialogmeldingMessage',
    shape: {
      hoveddokument: 'string',
      pasient: {
        object: `${PKG}.DialogmeldingMessage$Pasient`,
        shape: { fnr: 'string', fornavn: 'string', mellomnavn: 'string', etternavn: 'string' },
      },
      metadataFiler: {
        map: { object: `${PKG}.DialogmeldingMessage$Metadata`, shape: { issueDate: 'instant', description: 'string' } },
      },
    },
    defaults: { metadataFiler: () => ({}) },
  },
  dialogmelding_kvittering: {
    name: 'DialogmeldingKvitteringMessage',
    shape: {
      relatedToMessageId: 'string',
      status: DIALOG_STATUS,
      messages: { set: `${PKG}.KvitteringStatusMessage`, shape: KVITTERING_STATUS },
      rawReceipt: 'string',
    },
  },
  innsynskrav: { name: 'InnsynskravMessage', shape: { hoveddokument: 'string', orgnr: 'string', epost: 'string' } },
  publisering: { name: 'PubliseringMessage', shape: { hoveddokument: 'string', orgnr: 'string' } },
  einnsyn_kvittering: {
    name: 'EinnsynKvitteringMessage',
    shape: { hoveddokument: 'string', dokumentId: 'string', status: 'string', referanseType: EINNSYN_TYPE },
  },
};

/** Thrown by {@link readBusinessMessage}: Jackson's message, without Spring's `JSON parse error: ` prefix. */
export class UnreadableBusinessMessage extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'Array value (token `JsonToken.START_ARRAY`)';
  if (isObject(value)) return 'Object value (token `JsonToken.START_OBJECT`)';
  if (typeof value === 'string') return `String "${value}"`;
  if (typeof value === 'boolean') return 'Boolean value';
  return `${Number.isInteger(value) ? 'Integer' : 'Floating-point'} value (${String(value)})`;
}

function fail(javaType: string, value: unknown, reason = ''): never {
  throw new UnreadableBusinessMessage(`Cannot deserialize value of type \`${javaType}\` from ${describe(value)}${reason}`);
}

function readField(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (field === 'any') return value;
  if (field === 'string') {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return fail('java.lang.String', value);
  }
  if (field === 'integer') {
    if (typeof value === 'number') return Math.trunc(value); // ACCEPT_FLOAT_AS_INT
    if (typeof value === 'string') {
      if (value.trim() === '') return undefined;
      if (/^[+-]?\d+$/.test(value.trim()) && Math.abs(Number(value)) <= 2_147_483_647) return Number(value);
      return fail('java.lang.Integer', value, ': not a valid `java.lang.Integer` value');
    }
    return fail('java.lang.Integer', value);
  }
  if (field === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return value !== 0;
    if (typeof value === 'string') {
      const v = value.trim();
      if (v === '') return undefined;
      if (v === 'true' || v === 'True' || v === 'TRUE') return true;
      if (v === 'false' || v === 'False' || v === 'FALSE') return false;
      return fail('java.lang.Boolean', value, ': only "true" or "false" recognized');
    }
    return fail('java.lang.Boolean', value);
  }
  if (field === 'localDate') {
    if (typeof value !== 'string') return fail('java.time.LocalDate', value);
    const v = value.trim();
    if (v === '') return undefined;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) return v;
    // LocalDateDeserializer: a date-time is accepted; one ending in Z is taken as UTC.
    if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
      const at = parseDateTime(v);
      if (at !== undefined && (v.endsWith('Z') || !/[+-]\d{2}:?\d{2}$/.test(v)))
        return v.endsWith('Z') ? new Date(at).toISOString().slice(0, 10) : v.slice(0, 10);
    }
    return fail(
      'java.time.LocalDate',
      value,
      `: Failed to deserialize java.time.LocalDate: (java.time.format.DateTimeParseException) Text '${v}' could not be parsed`,
    );
  }
  if (field === 'instant') {
    const at = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (typeof value === 'string' && value.trim() === '') return undefined;
    if (at === undefined) return fail('java.time.Instant', value);
    return new Date(at).toISOString().replace('.000Z', 'Z');
  }
  if ('enum' in field) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < field.values.length) return field.values[value];
    if (typeof value !== 'string' || !field.values.includes(value)) {
      return fail(field.enum, value, `: not one of the values accepted for Enum class: [${field.values.join(', ')}]`);
    }
    return value;
  }
  if ('object' in field) {
    if (!isObject(value)) return fail(field.object, value);
    return readShape(field.shape, value);
  }
  if ('set' in field) {
    if (!Array.isArray(value)) return fail(`java.util.Set<${field.set}>`, value);
    return value.map((item) => (item === null ? null : isObject(item) ? readShape(field.shape, item) : fail(field.set, item)));
  }
  if (!isObject(value)) return fail('java.util.Map', value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = readField(field.map, v);
  return out;
}

function readShape(shape: Shape, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(shape)) {
    const value = readField(field, input[name]);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The business message of `type` as the IP holds it after reading the request. Unknown types pass through (the
 * caller refuses them first).
 * @throws UnreadableBusinessMessage when Jackson would fail.
 */
export function readBusinessMessage(type: string, input: Record<string, unknown>): Record<string, unknown> {
  const cls = CLASSES[type];
  if (!cls) return input;
  const out = readShape(cls.shape, input);
  for (const [name, make] of Object.entries(cls.defaults ?? {})) out[name] ??= make();
  return out;
}

/** A date-time of the SBD header re-serialised as the IP writes an `OffsetDateTime` (Europe/Oslo offset). */
export function reserialiseDateTime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const at = parseDateTime(value);
  return at === undefined ? value : formatDateTime(at);
}

/**
 * The 400 the IP answers for an SBD Jackson cannot read. A JSON body (`@RequestBody`) fails in the message converter:
 * `HttpMessageNotReadableException`. The multipart `sbd` part is a `@RequestParam` converted by
 * `StringToStandardBusinessDocumentConverter`: Spring wraps the failure (ConversionFailedException, then
 * TypeMismatchException) into `MethodArgumentTypeMismatchException`.
 */
export function unreadableJson(message: string, mode: 'json' | 'multipart' = 'json'): IpError {
  if (mode === 'multipart') {
    return frameworkError(
      400,
      'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
      `Method parameter 'sbd': Failed to convert value of type 'java.lang.String' to required type 'no.difi.meldingsutveksling.domain.sbdh.StandardBusinessDocument'; ${message}`,
    );
  }
  return frameworkError(400, 'org.springframework.http.converter.HttpMessageNotReadableException', `JSON parse error: ${message}`);
}
