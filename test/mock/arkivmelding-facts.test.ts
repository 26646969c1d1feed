import { describe, expect, it } from 'vitest';
import { parseArkivmelding } from '../../src/mock/arkivmelding.js';
import { arkivmeldingXml } from '../send/fixtures.js';

describe("the simulator's arkivmelding.xml reader", () => {
  it('decodes character references in referanseDokumentfil as the IP (JAXB) does; one beyond Unicode (malformed) is kept, not a crash', () => {
    const xml = arkivmeldingXml(['vedtak.pdf']).replace(
      '<referanseDokumentfil>vedtak.pdf',
      '<referanseDokumentfil>O&apos;Brien s&#xF8;kn&#97;d.pdf</referanseDokumentfil><referanseDokumentfil>x&#x110000;.pdf</referanseDokumentfil><referanseDokumentfil>vedtak.pdf',
    );
    expect(parseArkivmelding(Buffer.from(xml)).referencedFiles).toEqual(["O'Brien søknad.pdf", 'x&#x110000;.pdf', 'vedtak.pdf']);
  });
});
