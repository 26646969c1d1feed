// Webhooks: the subscriptions each IP holds, and every push it made (ping and status events) with the endpoint's
// answer and how long it took.
import { useResource } from '../api.js';
import { html } from '../html.js';
import { loadState, Time } from '../ui.js';

/** Subscription changes arrive as request events on the subscriptions route. */
function changesWebhooks(event) {
  return (
    event.type === 'webhook' ||
    (event.type === 'request' && (event.data?.template ?? event.data?.path ?? '').includes('/api/subscriptions'))
  );
}

export function WebhooksView() {
  const webhooks = useResource('/webhooks', changesWebhooks);
  const state = loadState(webhooks, 'the webhooks');
  return html`<section aria-labelledby="webhooks-title">
    <h2 id="webhooks-title" tabindex="-1">Webhooks</h2>
    ${
      state ??
      html`<h3>Subscriptions</h3>
        ${
          webhooks.data.subscriptions.length === 0
            ? html`<p class="empty">No subscriptions. A fagsystem adds them with POST /api/subscriptions on its IP.</p>`
            : html`<div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr><th scope="col">IP</th><th scope="col">Name</th><th scope="col">Endpoint</th><th scope="col">Resource · event</th><th scope="col">Filter</th></tr>
                  </thead>
                  <tbody>
                    ${webhooks.data.subscriptions.map(
                      (s) => html`<tr key=${`${s.owner}-${s.id}`}>
                        <td data-label="IP" class="mono">${s.owner}</td>
                        <td data-label="Name">${s.name}</td>
                        <td data-label="Endpoint" class="mono wrap">${s.pushEndpoint}</td>
                        <td data-label="Resource">${s.resource} · ${s.event}</td>
                        <td data-label="Filter" class="mono wrap">${s.filter ?? html`<span class="muted">–</span>`}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
        <h3>Pushes</h3>
        ${
          webhooks.data.deliveries.length === 0
            ? html`<p class="empty">No pushes yet.</p>`
            : html`<ul class="plain">
                ${[...webhooks.data.deliveries].reverse().map((d) => html`<${Delivery} key=${d.id} delivery=${d} />`)}
              </ul>`
        }`
    }
  </section>`;
}

function Delivery({ delivery: d }) {
  const answer = !d.done
    ? html`<span class="badge wait">running</span>`
    : d.error
      ? html`<span class="badge bad">${d.error}</span>`
      : html`<span class="badge ${d.status >= 200 && d.status < 300 ? 'ok' : 'bad'}">${d.status}</span>`;
  return html`<li class="panel">
    <div><strong>${d.event}</strong> from <span class="mono">${d.from}</span> to <span class="mono wrap">${d.url}</span></div>
    <div class="muted"><${Time} value=${d.at} /> · ${answer} ${d.durationMs !== null ? html` · ${Math.round(d.durationMs)} ms` : ''}</div>
    <details>
      <summary>Body</summary>
      <pre tabindex="0">${JSON.stringify(d.body, null, 2)}</pre>
    </details>
  </li>`;
}
