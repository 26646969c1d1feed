import { describe, expect, it } from 'vitest';
import { parseAsicManifest, parseNextMoveManifest, parseOasisManifest } from '../../src/asic/manifest.js';

describe('manifest parsing', () => {
  it('decodes entities, numeric references, CDATA and percent-encoding; ignores comments', () => {
    const nm = parseNextMoveManifest(`<?xml version="1.0"?><!-- <hoveddokument href="fake.pdf"/> -->
      <manifest><mottaker><person>12345678901</person></mottaker><avsender><organisasjon authority="x">0192:910077473</organisasjon></avsender>
      <hoveddokument href="R&amp;D &#229;r &#x2014; plan.pdf" mime='application/pdf'><tittel lang="no"><![CDATA[Plan & budsjett]]></tittel></hoveddokument></manifest>`);
    expect(nm).toEqual({
      receiver: '12345678901',
      sender: '0192:910077473',
      mainDocument: { href: 'R&D år — plan.pdf', mimeType: 'application/pdf', title: 'Plan & budsjett' },
    });
    const asic = parseAsicManifest(
      '<asic:ASiCManifest xmlns:asic="x"><asic:SigReference URI="META-INF/sig.p7s"/><asic:DataObjectReference URI="m%C3%B8te%20referat.pdf" MimeType="application/pdf"/><asic:DataObjectReference URI="%E0%A4%A" MimeType="text/plain"/></asic:ASiCManifest>',
    );
    expect(asic.mimeTypes.get('møte referat.pdf')).toBe('application/pdf');
    expect(asic.mimeTypes.get('%E0%A4%A')).toBe('text/plain');
    expect(asic.signatures).toEqual(['META-INF/sig.p7s']);
    expect(
      parseOasisManifest(
        '<m:manifest><m:file-entry m:full-path="/" m:media-type="x"/><m:file-entry m:full-path="./a.txt" m:media-type="text/plain"/></m:manifest>',
      ),
    ).toEqual(new Map([['a.txt', 'text/plain']]));
    expect(parseNextMoveManifest('<manifest/>')).toEqual({ receiver: undefined, sender: undefined, mainDocument: undefined });
  });

  it('keeps CDATA content literal and decodes entities only outside it', () => {
    const nm = parseNextMoveManifest(
      '<manifest><hoveddokument href="a.pdf"><tittel> Budsjett &amp; <![CDATA[R&amp;D <2027>]]> &#x10FFFF;&#x110000;</tittel></hoveddokument></manifest>',
    );
    expect(nm.mainDocument?.title).toBe('Budsjett & R&amp;D <2027> \u{10FFFF}&#x110000;');
  });
});
