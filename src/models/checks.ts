/**
 * Hand checks of the hottest response shapes, so they can skip zod (see `withFastCheck`). Each accepts only what its
 * schema accepts unchanged, and leaves rare parts to zod; tests mutate every field to make sure none is looser.
 * @module @internal
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown) => v === undefined || typeof v === 'string';

function isPlainPartners(v: unknown): boolean {
  if (v === undefined) return true;
  if (!Array.isArray(v)) return false;
  for (const p of v) {
    if (!isObject(p) || !isObject(p.identifier)) return false;
    if (typeof p.identifier.value !== 'string' || typeof p.identifier.authority !== 'string') return false;
    if (p.contactInformation !== undefined) return false; // rare: let zod check it
  }
  return true;
}

/**
 * The common shape of an SBD, checked by hand: what {@link StandardBusinessDocumentSchema} accepts as is, without a
 * manifest or contact information (those go through zod). Used to skip zod on hot responses.
 * @internal
 */
export function isPlainSbd(value: unknown): boolean {
  if (!isObject(value)) return false;
  const h = value.standardBusinessDocumentHeader;
  if (!isObject(h) || typeof h.headerVersion !== 'string' || h.manifest !== undefined) return false;
  if (!isPlainPartners(h.sender) || !isPlainPartners(h.receiver)) return false;
  const d = h.documentIdentification;
  if (!isObject(d) || typeof d.standard !== 'string' || typeof d.typeVersion !== 'string' || typeof d.type !== 'string') return false;
  if (!optString(d.instanceIdentifier) || !optString(d.creationDateAndTime)) return false;
  if (d.multipleType !== undefined && typeof d.multipleType !== 'boolean') return false;
  const b = h.businessScope;
  if (!isObject(b) || !Array.isArray(b.scope)) return false;
  for (const s of b.scope) {
    if (!isObject(s) || typeof s.type !== 'string' || !optString(s.instanceIdentifier) || !optString(s.identifier)) return false;
    if (s.scopeInformation !== undefined) {
      if (!Array.isArray(s.scopeInformation)) return false;
      for (const i of s.scopeInformation) {
        if (!isObject(i)) return false;
        if (!optString(i.expectedResponseDateTime) || !optString(i.requestingDocumentCreationDateTime)) return false;
        if (!optString(i.requestingDocumentInstanceIdentifier)) return false;
      }
    }
  }
  return true;
}

const isPlainAddress = (v: unknown) =>
  v === undefined ||
  (isObject(v) && optString(v.name) && optString(v.street) && optString(v.postalCode) && optString(v.postalArea) && optString(v.country));

/** The capabilities answer (the IP's `CapabilitiesController`), checked by hand. @internal */
export function isPlainCapabilities(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value.capabilities)) return false;
  for (const c of value.capabilities) {
    if (!isObject(c) || typeof c.process !== 'string' || typeof c.serviceIdentifier !== 'string') return false;
    if (!isPlainAddress(c.postAddress) || !isPlainAddress(c.returnAddress)) return false;
    if (c.digitalPostAddress !== undefined) {
      const d = c.digitalPostAddress;
      if (!isObject(d) || typeof d.supplier !== 'string' || typeof d.address !== 'string') return false;
    }
    if (!Array.isArray(c.documentTypes)) return false;
    for (const t of c.documentTypes) {
      if (!isObject(t) || typeof t.standard !== 'string' || !optString(t.type)) return false;
    }
  }
  return true;
}
