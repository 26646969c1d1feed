// The request log: every request to the simulated IPs on both faces (HTTP and msw), newest first, with the route
// it matched, its answer, its time and the fault that hit it.
import { useResource } from '../api.js';
import { html } from '../html.js';
import { Field, loadState, Time } from '../ui.js';

function statusTone(status) {
  if (status === null) return 'bad';
  if (status >= 500) return 'bad';
  if (status >= 400) return 'wait';
  return 'ok';
}

export function RequestsView({ route }) {
  const participant = route.query.get('participant') ?? '';
  const params = new URLSearchParams({ limit: '200' });
  if (participant) params.set('participant', participant);
  const requests = useResource(`/requests?${params}`, (e) => e.type === 'request');
  const network = useResource('/network', () => false);
  const state = loadState(requests, 'the request log');
  const rows = [...(requests.data?.requests ?? [])].reverse();
  return html`<section aria-labelledby="requests-title">
    <h2 id="requests-title" tabindex="-1">Requests</h2>
    <form class="fields" role="search" aria-label="Filter requests" onSubmit=${(e) => e.preventDefault()}>
      <${Field}
        label="IP"
        control=${(id) => html`<select
          id=${id}
          value=${participant}
          onChange=${(e) => location.replace(`#/requests${e.currentTarget.value ? `?participant=${encodeURIComponent(e.currentTarget.value)}` : ''}`)}
        >
          <option value="">Every IP</option>
          ${(network.data?.participants ?? []).filter((p) => p.hasIntegrationPoint).map((p) => html`<option value=${p.id}>${p.name} (${p.id})</option>`)}
        </select>`}
      />
    </form>
    ${
      state ??
      (rows.length === 0
        ? html`<p class="empty">No requests yet. Point a client at an IP of the simulator.</p>`
        : html`<p class="muted" role="status">The last ${rows.length} requests, newest first</p>
            <div class="table-wrap">
              <table class="stack requests">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">IP</th>
                    <th scope="col">Request</th>
                    <th scope="col">Answer</th>
                    <th scope="col">Duration</th>
                    <th scope="col">Fault</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (r) => html`<tr key=${r.id} data-request=${r.id}>
                      <td data-label="Time"><${Time} value=${r.at} /></td>
                      <td data-label="IP" class="mono">${r.org} <span class="muted">(${r.face})</span></td>
                      <td data-label="Request" class="mono wrap" title=${r.template ?? 'no route matched'}>${r.method} ${r.path}${r.query}</td>
                      <td data-label="Answer"><span class="badge ${statusTone(r.status)}">${r.status ?? 'dropped'}</span></td>
                      <td data-label="Duration">${Math.round(r.durationMs)} ms</td>
                      <td data-label="Fault">${r.fault ? html`<a href="#/faults">${r.fault.kind} #${r.fault.id}</a>` : html`<span class="muted">–</span>`}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            <details class="request-lines">
              <summary>As text: the lines the SDK's debug log and the CLI's <code>--verbose</code> print</summary>
              <pre class="mono" data-request-lines>${rows.map((r) => `${r.org} ${r.line}`).join('\n')}</pre>
            </details>`)
    }
  </section>`;
}
