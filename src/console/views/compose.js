// Compose a message from another participant to an IP, so the fagsystem's receive loop gets something to chew on:
// any builder type, its parameters, files picked in the browser (sent as multipart/form-data).
import { call, useResource } from '../api.js';
import { html } from '../html.js';
import { Field, Notice, StatusBadge, useAction } from '../ui.js';
import { useState } from '../vendor/preact-hooks.mjs';
import { messageHref } from './messages.js';

/** The parameter a type needs most, asked in its own field (the rest go in the JSON box). */
const MAIN_PARAM = {
  arkivmelding: { name: 'tittel', label: 'Title (tittel)' },
  arkivmelding_kvittering: { name: 'relatedToMessageId', label: 'Related message id (relatedToMessageId)' },
  einnsyn_kvittering: { name: 'relatedToMessageId', label: 'Related message id (relatedToMessageId)' },
};

/** Builds the compose request (multipart: a `message` part with the JSON and one `file` part per file). */
export function composeBody({ from, to, type, main, extra, files, deliverNow }) {
  let params = {};
  if (extra.trim()) {
    params = JSON.parse(extra);
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new Error('Other parameters must be a JSON object.');
  }
  const mainParam = MAIN_PARAM[type];
  if (mainParam && main.trim()) params = { ...params, [mainParam.name]: main.trim() };
  const form = new FormData();
  form.append('message', JSON.stringify({ from, to, type, params, deliverNow }));
  for (const file of files) form.append('file', file, file.name);
  return form;
}

export function ComposeView() {
  const network = useResource('/network', () => false);
  const types = useResource('/compose/types', () => false);
  const participants = network.data?.participants ?? [];
  const withIp = participants.filter((p) => p.hasIntegrationPoint);
  const [form, setForm] = useState({ from: '', to: '', type: 'arkivmelding', main: '', extra: '', deliverNow: false });
  const [files, setFiles] = useState([]);
  const [result, setResult] = useState(undefined);
  const from = form.from || participants.find((p) => p.id !== (form.to || network.data?.root))?.id || '';
  const to = form.to || network.data?.root || '';
  const type = types.data?.types.find((t) => t.type === form.type);
  const mainParam = MAIN_PARAM[form.type];
  const set = (name) => (e) =>
    setForm({ ...form, [name]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  const [submit, busy, error, ok] = useAction(async () => {
    setResult(undefined);
    const answer = await call('/compose', { method: 'POST', body: composeBody({ ...form, from, to, files }) });
    setResult(answer);
    return `Sent ${answer.messageId}.`;
  });
  return html`<section aria-labelledby="compose-title">
    <h2 id="compose-title" tabindex="-1">Compose a message</h2>
    <p class="muted">
      Send a message from another participant to an IP, as that participant's IP (or an external sender) would. The
      fagsystem behind the receiving IP finds it in its in-queue.
    </p>
    <form
      class="panel compose"
      onSubmit=${(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div class="fields">
        <${Field}
          label="From"
          control=${(id) => html`<select id=${id} value=${from} onChange=${set('from')}>
            ${participants.map((p) => html`<option value=${p.id}>${p.name} (${p.id})${p.hasIntegrationPoint ? '' : ' – no IP'}</option>`)}
          </select>`}
        />
        <${Field}
          label="To"
          control=${(id) => html`<select id=${id} value=${to} onChange=${set('to')}>
            ${withIp.map((p) => html`<option value=${p.id}>${p.name} (${p.id})</option>`)}
          </select>`}
        />
        <${Field}
          label="Type"
          hint=${type ? `Process ${type.defaultProcess}${type.needsFiles ? ' · needs at least one file' : ''}` : undefined}
          control=${(id, hint) => html`<select id=${id} value=${form.type} onChange=${set('type')} aria-describedby=${hint}>
            ${(types.data?.types ?? [{ type: 'arkivmelding' }]).map((t) => html`<option value=${t.type}>${t.type}</option>`)}
          </select>`}
        />
      </div>
      ${
        mainParam &&
        html`<${Field} label=${mainParam.label} control=${(id) => html`<input id=${id} type="text" value=${form.main} onInput=${set('main')} />`} />`
      }
      <${Field}
        label="Other parameters (JSON object, optional)"
        hint=${'The builder\'s parameters without sender and receiver, e.g. {"saksaar": 2026}'}
        control=${(id, hint) => html`<textarea id=${id} value=${form.extra} onInput=${set('extra')} aria-describedby=${hint} spellcheck="false"></textarea>`}
      />
      <${Field}
        label="Files"
        hint=${files.length ? files.map((f) => f.name).join(', ') : 'None picked'}
        control=${(id, hint) => html`<input id=${id} type="file" multiple aria-describedby=${hint} onChange=${(e) => setFiles([...e.currentTarget.files])} />`}
      />
      <label class="check"><input type="checkbox" checked=${form.deliverNow} onChange=${set('deliverNow')} /> Deliver at once (skip the carrier's delay)</label>
      <div class="row" style="margin-top: 0.8rem">
        <button type="submit" class="primary" disabled=${busy || !from || !to}>Send</button>
      </div>
    </form>
    <${Notice} error=${error} ok=${ok} />
    ${
      result &&
      html`<ul class="plain">
        ${result.messages.map(
          (m) =>
            html`<li><a href=${messageHref(m.key)}>${m.direction === 'out' ? 'Outgoing from' : 'Incoming to'} ${m.owner}</a> <${StatusBadge} status=${m.status} /></li>`,
        )}
      </ul>`
    }
  </section>`;
}
