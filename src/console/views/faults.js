// Faults: the simulator's per-route fault rules (an error status with Retry-After, a reset, latency, a slow body, a
// malformed body, a lost response), switched on and off here, with the requests each one hit.
import { call, post, send, useResource } from '../api.js';
import { html } from '../html.js';
import { Field, loadState, Notice, Time, useAction } from '../ui.js';
import { useEffect, useState } from '../vendor/preact-hooks.mjs';

/** Routes of the IP a fault is usually put on (any pattern may be typed). */
const ROUTES = [
  '/api/messages/out',
  '/api/messages/out/multipart',
  '/api/messages/out/{messageId}',
  '/api/messages/out/{messageId}/*',
  '/api/messages/in/peek',
  '/api/messages/in/pop/{messageId}',
  '/api/messages/in/{messageId}',
  '/api/statuses',
  '/api/statuses/peek',
  '/api/conversations',
  '/api/capabilities/{receiverIdentifier}',
  '/api/subscriptions',
  '/manage/health',
  '*',
];

const KINDS = {
  status: 'Error status',
  reset: 'Connection reset',
  delay: 'Latency',
  slowBody: 'Slow body',
  malformed: 'Malformed body',
  lostResponse: 'Lost response',
};

/** The rule the add form describes, as the API takes it. */
export function faultRule(form) {
  const rule = { path: form.path.trim() || '*' };
  if (form.org) rule.org = form.org;
  if (form.method) rule.method = form.method;
  if (form.times.trim()) rule.times = Number(form.times);
  const number = (value, name) => {
    const n = Number(value);
    if (!Number.isFinite(n) || value.trim() === '') throw new Error(`${name} must be a number.`);
    return n;
  };
  switch (form.kind) {
    case 'status':
      rule.status = number(form.status, 'Status');
      if (form.retryAfter.trim()) rule.retryAfter = form.retryAfter.trim();
      break;
    case 'delay':
      rule.delayMs = number(form.delayMs, 'Delay');
      break;
    case 'slowBody':
      rule.slowBody = { delayMs: number(form.delayMs, 'Delay') };
      break;
    default:
      rule[form.kind] = true;
  }
  return rule;
}

function describe(f) {
  const parts = [KINDS[f.kind] ?? f.kind];
  if (f.status !== null) parts.push(`${f.status}${f.retryAfter ? ` (Retry-After ${f.retryAfter})` : ''}`);
  if (f.delayMs !== null) parts.push(`${f.delayMs} ms`);
  if (f.slowBody) parts.push(`${f.slowBody.delayMs} ms per ${f.slowBody.chunkBytes} B`);
  return parts.join(' · ');
}

export function FaultsView() {
  const faults = useResource('/faults', (e) => e.type === 'fault');
  const requests = useResource('/requests?limit=1000', (e) => e.type === 'request' && e.data?.fault !== null);
  const network = useResource('/network', () => false);
  const [clear, clearing, clearError] = useAction(() => send('DELETE', '/faults'));
  const state = loadState(faults, 'the faults');
  const byId = new Map((requests.data?.requests ?? []).map((r) => [r.id, r]));
  return html`<section aria-labelledby="faults-title">
    <h2 id="faults-title" tabindex="-1">Faults</h2>
    <${AddFault} participants=${(network.data?.participants ?? []).filter((p) => p.hasIntegrationPoint)} />
    ${
      state ??
      html`<div class="row" style="justify-content: space-between; align-items: center">
          <h3>Rules</h3>
          <button type="button" class="danger" disabled=${clearing || faults.data.faults.length === 0} onClick=${clear}>Remove all</button>
        </div>
        <${Notice} error=${clearError} />
        ${
          faults.data.faults.length === 0
            ? html`<p class="empty">No fault rules: every request is answered normally.</p>`
            : html`<ul class="plain faults">
                ${faults.data.faults.map((f) => html`<${FaultItem} key=${f.id} fault=${f} requests=${byId} />`)}
              </ul>`
        }`
    }
  </section>`;
}

function FaultItem({ fault: f, requests }) {
  // The switch shows the user's choice from the click on, and the server's state otherwise. The choice is dropped
  // when a fault list read after the change arrives (useResource keeps no read that overlapped a change), or when the
  // change failed. No effect copies props into state: a deferred effect from an earlier render could undo a click.
  const [choice, setChoice] = useState(undefined);
  const on = choice ? choice.enabled : f.enabled;
  const [toggle, busy, error] = useAction(async (enabled) => {
    setChoice({ enabled, settled: false });
    try {
      await send('PATCH', `/faults/${f.id}`, { enabled });
    } catch (e) {
      setChoice(undefined);
      throw e;
    }
    setChoice((c) => (c && c.enabled === enabled ? { enabled, settled: true } : c));
  });
  useEffect(() => setChoice((c) => (c?.settled ? undefined : c)), [f]);
  const [remove, removing, removeError] = useAction(() => call(`/faults/${f.id}`, { method: 'DELETE' }));
  const hits = f.recentHits.map((id) => requests.get(id)).filter(Boolean);
  const scope = `${f.method ?? 'any method'} ${f.path}${f.org ? ` on ${f.org}` : ' on every IP'}`;
  return html`<li class="panel fault" data-fault=${f.id}>
    <div class="row" style="justify-content: space-between">
      <div>
        <strong>${describe(f)}</strong> <span class="mono">${scope}</span><br />
        <span class="muted">
          ${[f.left === null ? 'unlimited' : `${f.left} of ${f.times} left`, `hit ${f.hits} time${f.hits === 1 ? '' : 's'}`, `added in ${f.source === 'code' ? 'code' : 'the console'}`].join(' · ')}
        </span>
      </div>
      <div class="row">
        <label class="check">
          <input type="checkbox" role="switch" checked=${on} disabled=${busy} onChange=${(e) => toggle(e.currentTarget.checked)} />
          On <span class="sr-only">: ${describe(f)} ${scope}</span>
        </label>
        <button type="button" class="danger" disabled=${removing} onClick=${remove} aria-label=${`Remove the fault ${describe(f)} ${scope}`}>Remove</button>
      </div>
    </div>
    <${Notice} error=${error ?? removeError} />
    ${
      hits.length > 0 &&
      html`<details>
        <summary>Requests it hit (${hits.length} most recent)</summary>
        <ul class="plain mono">
          ${hits.map((r) => html`<li><${Time} value=${r.at} /> ${r.method} ${r.path}${r.query} → ${r.status ?? 'dropped'} (${r.face})</li>`)}
        </ul>
      </details>`
    }
  </li>`;
}

const EMPTY = { org: '', method: '', path: '/api/statuses', kind: 'status', status: '503', retryAfter: '1', delayMs: '2000', times: '1' };

function AddFault({ participants }) {
  const [form, setForm] = useState(EMPTY);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const [add, busy, error, ok] = useAction(async () => {
    await post('/faults', faultRule(form));
    return 'Fault added.';
  });
  return html`<form
    class="panel"
    aria-labelledby="add-fault-title"
    onSubmit=${(e) => {
      e.preventDefault();
      add();
    }}
  >
    <h3 id="add-fault-title">Add a fault</h3>
    <div class="fields">
      <${Field}
        label="Route (path pattern)"
        hint="{name} is one segment, * anything"
        control=${(
          id,
          hint,
        ) => html`<input id=${id} type="text" list="fault-routes" value=${form.path} onInput=${set('path')} aria-describedby=${hint} />
          <datalist id="fault-routes">${ROUTES.map((r) => html`<option value=${r}></option>`)}</datalist>`}
      />
      <${Field}
        label="Method"
        control=${(id) => html`<select id=${id} value=${form.method} onChange=${set('method')}>
          <option value="">Any</option>
          ${['GET', 'POST', 'PUT', 'DELETE'].map((m) => html`<option value=${m}>${m}</option>`)}
        </select>`}
      />
      <${Field}
        label="IP"
        control=${(id) => html`<select id=${id} value=${form.org} onChange=${set('org')}>
          <option value="">Every IP</option>
          ${participants.map((p) => html`<option value=${p.id}>${p.name} (${p.id})</option>`)}
        </select>`}
      />
      <${Field}
        label="Effect"
        control=${(id) => html`<select id=${id} value=${form.kind} onChange=${set('kind')}>
          ${Object.entries(KINDS).map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>`}
      />
      ${
        form.kind === 'status' &&
        html`<${Field} label="Status" control=${(id) => html`<input id=${id} type="number" min="100" max="599" value=${form.status} onInput=${set('status')} />`} />
          <${Field} label="Retry-After (seconds)" control=${(id) => html`<input id=${id} type="text" value=${form.retryAfter} onInput=${set('retryAfter')} />`} />`
      }
      ${
        (form.kind === 'delay' || form.kind === 'slowBody') &&
        html`<${Field}
          label=${form.kind === 'delay' ? 'Delay (ms)' : 'Pause per chunk (ms)'}
          control=${(id) => html`<input id=${id} type="number" min="0" value=${form.delayMs} onInput=${set('delayMs')} />`}
        />`
      }
      <${Field}
        label="Times"
        hint="Empty: until switched off"
        control=${(id, hint) => html`<input id=${id} type="number" min="1" value=${form.times} onInput=${set('times')} aria-describedby=${hint} />`}
      />
    </div>
    <button type="submit" class="primary" disabled=${busy}>Add fault</button>
    <${Notice} error=${error} ok=${ok} />
  </form>`;
}
