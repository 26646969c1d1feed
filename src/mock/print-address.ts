import { ipException } from './ip-error.js';
import type { ServiceRecordConfig, SimulatedPostalAddress } from './network.js';

/**
 * DPI `print` defaults and address rules: `NextMoveOutMessageFactory.setDpiDefaults` fills colour, postal category
 * and every empty address field from the receiver's service record; `NextMoveValidator.validatePrintBusinessMessage`
 * then refuses what is still missing (`MissingAddressInformationException`).
 * @internal
 * @module
 */

type Address = Record<string, unknown>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const empty = (v: unknown) => typeof v !== 'string' || v.length === 0;
const blank = (v: unknown) => typeof v !== 'string' || v.trim().length === 0;

/** `setReceiverDefaults`: empty fields of `address` from the registry's address (street split on `;`). */
function fillAddress(address: Address, registry: SimulatedPostalAddress | undefined): void {
  if (!registry) return;
  if (blank(address.navn)) address.navn = registry.name;
  if (empty(address.adresselinje1)) {
    registry.street
      .split(';')
      .slice(0, 4)
      .forEach((line, i) => {
        address[`adresselinje${i + 1}`] = line;
      });
  }
  if (blank(address.postnummer)) address.postnummer = registry.postalCode;
  if (blank(address.poststed)) address.poststed = registry.postalArea;
  if (blank(address.land)) address.land = registry.country;
}

/**
 * Print defaults (`setDpiDefaults`): colour and category always; with a receiver, missing `mottaker`/`retur` become
 * empty ones (return handling DIREKTE_RETUR) and empty fields are filled from the service record.
 */
export function applyPrintDefaults(business: Record<string, unknown>, hasReceiver: boolean, record: ServiceRecordConfig | undefined): void {
  business.utskriftsfarge ??= 'SORT_HVIT';
  business.posttype ??= 'B_OEKONOMI';
  if (!hasReceiver) return;
  if (!isObject(business.mottaker)) business.mottaker = {};
  if (!isObject(business.retur)) business.retur = { mottaker: {}, returhaandtering: 'DIREKTE_RETUR' };
  const retur = business.retur as Record<string, unknown>;
  if (!isObject(retur.mottaker)) retur.mottaker = {};
  fillAddress(business.mottaker as Address, record?.postAddress);
  fillAddress(retur.mottaker as Address, record?.returnAddress);
}

/** `isNorwegian`: no country, or `Norge`/`Norway` (any case). */
function isNorwegian(address: Address): boolean {
  const country = address.land;
  if (country === undefined || country === null) return true;
  return typeof country === 'string' && (country.toLowerCase() === 'norge' || country.toLowerCase() === 'norway');
}

function incomplete(address: Address): boolean {
  const norwegian = isNorwegian(address);
  return empty(address.adresselinje1) || (norwegian && empty(address.postnummer)) || (norwegian && empty(address.poststed));
}

/** `validatePrintBusinessMessage`: 400 MissingAddressInformationException naming the JSON field. */
export function validatePrintAddresses(business: Record<string, unknown>): void {
  const mottaker = business.mottaker;
  if (!isObject(mottaker)) throw ipException('MissingAddressInformationException', 'mottaker');
  if (incomplete(mottaker)) throw ipException('MissingAddressInformationException', 'mottaker.postnummer/poststed/adresselinje1');
  const retur = business.retur;
  if (!isObject(retur)) throw ipException('MissingAddressInformationException', 'retur');
  const returMottaker = isObject(retur.mottaker) ? retur.mottaker : {};
  if (incomplete(returMottaker)) throw ipException('MissingAddressInformationException', 'retur.postnummer/poststed/adresselinje1');
}
