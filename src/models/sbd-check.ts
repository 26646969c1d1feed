/** A hand check of the common SBD shape, so hot responses can skip zod (see `withFastCheck`). @module @internal */
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
