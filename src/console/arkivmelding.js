// The arkivmelding.xml of a message as a readable summary, parsed in the browser (DOMParser): the case (saksmappe
// with saksår/sekvensnummer), the registry entry (journalpost with its type and status) and its documents.
import { html } from './html.js';
import { useEffect, useState } from './vendor/preact-hooks.mjs';

/** The first element named `name` (any namespace) under `root`, or undefined. */
function first(root, name) {
  return root?.getElementsByTagNameNS('*', name)[0];
}

/** The text of the first `name` that is a direct child of `root`. */
function child(root, name) {
  if (!root) return undefined;
  for (const el of root.children) if (el.localName === name) return el.textContent.trim();
  return undefined;
}

/**
 * Reads an arkivmelding.xml: `{ system, meldingId, tidspunkt, antallFiler, mappe, journalpost, dokumenter }`, or
 * `{ error }` when the text is not XML or not an arkivmelding.
 * @param {string} xml
 */
export function summariseArkivmelding(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return { error: 'The arkivmelding.xml is not well-formed XML.' };
  const root = doc.documentElement;
  if (root.localName !== 'arkivmelding') return { error: `The root element is <${root.localName}>, not <arkivmelding>.` };
  const mappe = first(root, 'mappe');
  const journalpost = first(root, 'registrering') ?? first(root, 'basisregistrering');
  const saksaar = child(mappe, 'saksaar');
  const sekvens = child(mappe, 'sakssekvensnummer');
  const journalaar = child(journalpost, 'journalaar');
  const journalsekvens = child(journalpost, 'journalsekvensnummer');
  return {
    system: child(root, 'system'),
    meldingId: child(root, 'meldingId'),
    tidspunkt: child(root, 'tidspunkt'),
    antallFiler: child(root, 'antallFiler'),
    mappe: mappe && {
      tittel: child(mappe, 'tittel'),
      saksnummer: saksaar ? `${saksaar}/${sekvens ?? '–'}` : undefined,
      saksansvarlig: child(mappe, 'saksansvarlig'),
    },
    journalpost: journalpost && {
      tittel: child(journalpost, 'tittel'),
      offentligTittel: child(journalpost, 'offentligTittel'),
      journalposttype: child(journalpost, 'journalposttype'),
      journalstatus: child(journalpost, 'journalstatus'),
      journalpostnummer: journalaar ? `${journalaar}/${journalsekvens ?? '–'}` : child(journalpost, 'journalpostnummer'),
    },
    dokumenter: [...root.getElementsByTagNameNS('*', 'dokumentbeskrivelse')].map((d) => ({
      dokumentnummer: child(d, 'dokumentnummer'),
      tittel: child(d, 'tittel'),
      dokumenttype: child(d, 'dokumenttype'),
      rolle: child(d, 'tilknyttetRegistreringSom'),
      filer: [...d.getElementsByTagNameNS('*', 'referanseDokumentfil')].map((f) => f.textContent.trim()),
    })),
  };
}

function Row({ label, value }) {
  if (value === undefined || value === null || value === '') return null;
  return html`<dt>${label}</dt><dd>${value}</dd>`;
}

/**
 * Loads the XML from `url` and shows the summary; `fileUrl(name)` gives a download link for a referenced file the
 * message still holds.
 */
export function ArkivmeldingSummary({ url, fileUrl }) {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    let live = true;
    fetch(url)
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${r.status} ${r.statusText}`))))
      .then(
        (xml) => live && setState({ summary: summariseArkivmelding(xml) }),
        (error) => live && setState({ summary: { error: `Could not load the arkivmelding.xml: ${error.message}` } }),
      );
    return () => {
      live = false;
    };
  }, [url]);
  if (state.loading) return html`<p class="muted" role="status">Reading the arkivmelding…</p>`;
  const s = state.summary;
  if (s.error) return html`<div class="notice error" role="alert">${s.error}</div>`;
  return html`<div class="arkivmelding">
    <dl class="kv">
      <${Row} label="Tittel" value=${s.journalpost?.tittel ?? s.mappe?.tittel} />
      <${Row} label="Offentlig tittel" value=${s.journalpost?.offentligTittel} />
      <${Row} label="Sak (saksår/sekvensnr.)" value=${s.mappe?.saksnummer} />
      <${Row} label="Saksmappe" value=${s.mappe?.tittel} />
      <${Row} label="Journalposttype" value=${s.journalpost?.journalposttype} />
      <${Row} label="Journalstatus" value=${s.journalpost?.journalstatus} />
      <${Row} label="Journalpostnummer" value=${s.journalpost?.journalpostnummer} />
      <${Row} label="System" value=${s.system} />
      <${Row} label="Antall filer" value=${s.antallFiler} />
    </dl>
    <h4>Dokumenter</h4>
    ${
      s.dokumenter.length === 0
        ? html`<p class="muted">No dokumentbeskrivelse.</p>`
        : html`<ol class="dokumenter">
            ${s.dokumenter.map(
              (d) => html`<li>
                <strong>${d.tittel || '(uten tittel)'}</strong>
                <span class="muted"> · ${[d.rolle, d.dokumenttype].filter(Boolean).join(' · ')}</span>
                ${d.filer.map((f) => {
                  const href = fileUrl(f);
                  return html` · ${href ? html`<a href=${href} download=${f}>${f}</a>` : html`<span class="mono">${f}</span>`}`;
                })}
              </li>`,
            )}
          </ol>`
    }
    <p><a href=${url} download="arkivmelding.xml">Download arkivmelding.xml</a></p>
  </div>`;
}
