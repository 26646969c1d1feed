import { readFile } from 'node:fs/promises';
import { RequestValidationError } from '../errors.js';
import { TYPES_WITHOUT_FILES } from '../models/business-messages.js';
import { type IdentifierOptions, parseIdentifier } from '../models/identifiers.js';
import { businessMessageIssues, businessMessageOf, expiryOf, type StandardBusinessDocument, typeOf } from '../models/sbd.js';
import { MULTIPART_PART_LIMIT, sizeOf } from '../resources/multipart.js';
import { validateSbd } from '../resources/outgoing.js';
import { isFileContent, type Upload } from '../uploads.js';

/** Largest `arkivmelding.xml` read into memory to check its `referanseDokumentfil` entries. */
const MAX_ARKIVMELDING_XML = 16 * 1024 * 1024;

const HEADER = 'standardBusinessDocumentHeader';

/**
 * Every local check that can be made before the first request. Each failure is a
 * {@link RequestValidationError} naming the field. Returns the SBD as the IP's strict shape accepts it.
 * @internal
 */
export async function validateSend(
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  options: { oneStep: boolean; now?: Date; identifiers?: IdentifierOptions },
): Promise<StandardBusinessDocument> {
  // The IP's strict SBD shape (its SBD deserializer and bean validation): business-message key = type, `standard`
  // ending in `::<type>`, messageId and conversationId as UUIDs (all in StandardBusinessDocumentRequestSchema).
  // The common, well-formed case is checked by hand (a zod parse per message cost ~20 µs, measurable in the
  // one-step benchmark); anything unusual goes through the schema, which also words the error.
  const valid = isPlainRequestSbd(sbd) ? sbd : validateSbd(sbd);
  const header = valid.standardBusinessDocumentHeader;
  const type = typeOf(valid);

  // Identifier forms: the IP validates the sender (`@SenderValue`), and an unparseable receiver
  // fails during the service lookup (500), so both are checked here.
  for (const side of ['sender', 'receiver'] as const) {
    const partner = header[side]?.[0];
    if (!partner) continue;
    const field = `${HEADER}.${side}[0].identifier`;
    const parsed = parseIdentifier(partner.identifier.value, `${field}.value`, options.identifiers);
    if (partner.identifier.authority !== parsed.authority) {
      throw new RequestValidationError(`${field}.authority`, `'${parsed.value}' needs authority '${parsed.authority}'`);
    }
  }
  // The service lookup needs a receiver except for DPI `print` (no receiver → service UNKNOWN → 400).
  if (!header.receiver?.[0] && type !== 'print') {
    throw new RequestValidationError(`${HEADER}.receiver`, `a ${type} message needs a receiver`);
  }

  // `@Future` on the expiry, and NextMoveValidator's TimeToLiveException at send: the expiry must lie ahead.
  const expiry = expiryOf(valid);
  if (expiry !== undefined) {
    const at = Date.parse(expiry);
    if (Number.isNaN(at)) {
      throw new RequestValidationError(
        `${HEADER}.businessScope.scope.scopeInformation.expectedResponseDateTime`,
        `'${expiry}' is not a date-time`,
      );
    }
    if (at <= (options.now ?? new Date()).getTime()) {
      throw new RequestValidationError(
        `${HEADER}.businessScope.scope.scopeInformation.expectedResponseDateTime`,
        `${expiry} is in the past; the IP would reject it (TimeToLiveException)`,
      );
    }
  }

  // NextMoveValidator, NextMoveMessageOutController: filenames are unique within a message (DuplicateFilenameException).
  const names = new Map<string, number>();
  for (const [i, file] of files.entries()) {
    if (!file || typeof file.filename !== 'string' || file.filename.length === 0) {
      throw new RequestValidationError(`files[${i}].filename`, 'every file needs a filename');
    }
    if (/[\\/]/.test(file.filename) || /[\r\n]/.test(file.filename)) {
      throw new RequestValidationError(
        `files[${i}].filename`,
        `'${file.filename}' must be a plain file name (no path separators or line breaks)`,
      );
    }
    const first = names.get(file.filename);
    if (first !== undefined) {
      throw new RequestValidationError(`files[${i}].filename`, `'${file.filename}' is used twice (files[${first}] and files[${i}])`);
    }
    names.set(file.filename, i);
    // NextMoveMessageOutController: one-step rejects any part over 5 MiB (MultipartFileToLargeException).
    const size = sizeOf(file);
    if (options.oneStep && size !== undefined && size > MULTIPART_PART_LIMIT) {
      throw new RequestValidationError(
        `files[${i}]`,
        `'${file.filename}' has ${size} bytes; strategy 'one-step' allows at most 5 MiB (5 242 880 bytes) per file`,
      );
    }
  }

  // NextMoveValidator (SBDUtil.isFileRequired): at least one file unless the type is a receipt, `status` or `avtalt`
  // (MissingFileException).
  if (files.length === 0 && !TYPES_WITHOUT_FILES.includes(type)) {
    throw new RequestValidationError('files', `a ${type} message needs at least one file`);
  }

  // The strict shape above guarantees the business message (the member named after the type) is an object.
  const body = businessMessageOf<Record<string, unknown>>(valid) as Record<string, unknown>;
  const has = (name: string) => names.has(name);
  const main = typeof body.hoveddokument === 'string' ? body.hoveddokument : undefined;

  // NextMoveValidator: the primary document (`hoveddokument`) must be one of the files (MissingPrimaryDocumentException
  // for DPI and DPH; otherwise the IP silently has no primary document).
  if (main !== undefined && files.length > 0 && !has(main)) {
    throw new RequestValidationError(`${type}.hoveddokument`, `'${main}' is not among the files`);
  }
  if ((type === 'digital' || type === 'print' || type === 'dialogmelding') && main === undefined) {
    throw new RequestValidationError(`${type}.hoveddokument`, `a ${type} message needs its primary document named in hoveddokument`);
  }

  // NextMoveValidator: `digital.metadataFiler` keys and values must all be uploaded (FileNotFoundException);
  // DPH `dialogmelding.metadataFiler` keys name the non-primary files.
  const metadata = body.metadataFiler;
  const metadataFiles = new Set<string>();
  if (metadata && typeof metadata === 'object') {
    for (const [key, value] of Object.entries(metadata as Record<string, unknown>)) {
      if (!has(key)) throw new RequestValidationError(`${type}.metadataFiler`, `'${key}' is not among the files`);
      if (type === 'digital') {
        if (typeof value !== 'string' || !has(value)) {
          throw new RequestValidationError(`${type}.metadataFiler.${key}`, `metadata file '${String(value)}' is not among the files`);
        }
        metadataFiles.add(value);
      }
    }
  }

  // NextMoveValidator (MissingFileTitleException): DPV needs a title on every file; DPI on every file except the
  // primary document and the metadata files; DPH non-primary files must be listed in metadataFiler.
  for (const [i, file] of files.entries()) {
    const isMain = file.filename === main;
    if (type === 'digital_dpv' && !file.title) {
      throw new RequestValidationError(`files[${i}].title`, `DPV needs a title on every file ('${file.filename}' has none)`);
    }
    if ((type === 'digital' || type === 'print') && !isMain && !metadataFiles.has(file.filename) && !file.title) {
      throw new RequestValidationError(`files[${i}].title`, `DPI needs a title on every attachment ('${file.filename}' has none)`);
    }
    if (type === 'dialogmelding' && !isMain && !(metadata && Object.hasOwn(metadata as object, file.filename))) {
      throw new RequestValidationError(
        `files[${i}].filename`,
        `DPH attachments must be listed in dialogmelding.metadataFiler ('${file.filename}' is not)`,
      );
    }
  }

  // NextMoveValidator: type arkivmelding needs `arkivmelding.xml` (MissingArkivmeldingException), and every
  // `referanseDokumentfil` in it must be uploaded (MissingArkivmeldingFileException).
  if (type === 'arkivmelding') {
    const index = names.get('arkivmelding.xml');
    if (index === undefined) {
      throw new RequestValidationError('files', "an arkivmelding needs a file named 'arkivmelding.xml'");
    }
    const xml = await readSmallText(files[index] as Upload);
    if (xml !== undefined) {
      const missing = referencedFiles(xml).filter((name) => !has(name));
      if (missing.length > 0) {
        throw new RequestValidationError(
          `files[${index}]`,
          `arkivmelding.xml refers to file(s) not among the files: ${missing.join(', ')}`,
        );
      }
    }
  }
  return valid;
}

/** The text of a small file when it can be read without consuming it (never a one-shot stream). */
async function readSmallText(file: Upload): Promise<string | undefined> {
  const content = file.content;
  if (typeof content === 'string') return content;
  if (content instanceof Uint8Array || content instanceof ArrayBuffer) return Buffer.from(content as Uint8Array).toString('utf8');
  if (content instanceof Blob) return content.size <= MAX_ARKIVMELDING_XML ? await content.text() : undefined;
  if (isFileContent(content)) return content.size <= MAX_ARKIVMELDING_XML ? await readFile(content.path, 'utf8') : undefined;
  return undefined;
}

/** The `referanseDokumentfil` values of an arkivmelding.xml (any namespace prefix), XML entities decoded. @internal */
export function referencedFiles(xml: string): string[] {
  const out: string[] = [];
  const re = /<(?:[\w.-]+:)?referanseDokumentfil(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?referanseDokumentfil\s*>/g;
  for (const match of xml.matchAll(re)) {
    // CDATA content is literal (no entities); whitespace around the value or the CDATA section is not part of it.
    const raw = (match[1] as string).trim();
    const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(raw);
    const value = cdata ? (cdata[1] as string).trim() : decodeXml(raw);
    if (value) out.push(value);
  }
  return out;
}

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (entity, e: string) => {
    const lower = e.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10);
    // Beyond Unicode (malformed XML): keep the text as written rather than fail with a RangeError.
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const optString = (value: unknown) => value === undefined || typeof value === 'string';

function isPartnerList(value: unknown): boolean {
  if (value === undefined) return true;
  if (!Array.isArray(value) || value.length > 1) return false;
  for (const partner of value) {
    if (!isObject(partner) || partner.contactInformation !== undefined) return false;
    const id = partner.identifier;
    if (!isObject(id) || typeof id.value !== 'string' || typeof id.authority !== 'string') return false;
  }
  return true;
}

/**
 * True when the SBD certainly passes `StandardBusinessDocumentRequestSchema` (the same rules, checked by hand for
 * the plain shape the builders make). False means "let the schema decide", not "invalid".
 * @internal
 */
export function isPlainRequestSbd(sbd: unknown): sbd is StandardBusinessDocument {
  if (!isObject(sbd)) return false;
  const header = sbd.standardBusinessDocumentHeader;
  if (!isObject(header) || typeof header.headerVersion !== 'string' || header.manifest !== undefined) return false;
  if (!isPartnerList(header.sender) || !isPartnerList(header.receiver)) return false;
  const doc = header.documentIdentification;
  if (!isObject(doc)) return false;
  const { standard, typeVersion, type, instanceIdentifier } = doc;
  if (typeof standard !== 'string' || typeof typeVersion !== 'string' || typeof type !== 'string') return false;
  if (type !== type.toLowerCase() || !standard.endsWith(`::${type}`)) return false;
  if (instanceIdentifier !== undefined && (typeof instanceIdentifier !== 'string' || !UUID.test(instanceIdentifier))) return false;
  if (!optString(doc.creationDateAndTime) || (doc.multipleType !== undefined && typeof doc.multipleType !== 'boolean')) return false;
  const scope = isObject(header.businessScope) ? header.businessScope.scope : undefined;
  if (!Array.isArray(scope)) return false;
  let conversation = false;
  for (const s of scope) {
    if (!isObject(s) || typeof s.type !== 'string' || !optString(s.instanceIdentifier) || !optString(s.identifier)) return false;
    if (s.scopeInformation !== undefined) {
      if (!Array.isArray(s.scopeInformation)) return false;
      for (const info of s.scopeInformation) {
        if (!isObject(info)) return false;
        if (!optString(info.expectedResponseDateTime) || !optString(info.requestingDocumentCreationDateTime)) return false;
        if (!optString(info.requestingDocumentInstanceIdentifier)) return false;
      }
    }
    if (s.type === 'ConversationId' && !conversation) {
      if (!s.identifier || (s.instanceIdentifier && !UUID.test(s.instanceIdentifier as string))) return false;
      conversation = true;
    }
  }
  if (!conversation) return false;
  let members = 0;
  for (const key in sbd) {
    if (key === 'standardBusinessDocumentHeader') continue;
    if (key !== type || !isObject(sbd[key])) return false;
    members++;
  }
  // Values the IP cannot read into its business-message class (enum spellings, print addresses): the schema words them.
  const receivers = Array.isArray(header.receiver) ? header.receiver.length : 0;
  return members === 1 && businessMessageIssues(type, sbd[type] as Record<string, unknown>, receivers > 0).length === 0;
}
