// The network: every participant, whether it runs an IP, the services its IP may send with, the service records
// others find for it (process, document types, security level) and its queues.
import { useResource } from '../api.js';
import { html } from '../html.js';
import { loadState } from '../ui.js';

export function NetworkView() {
  const network = useResource('/network', (e) => e.type === 'message' || e.type === 'clock');
  const state = loadState(network, 'the network');
  return html`<section aria-labelledby="network-title">
    <h2 id="network-title" tabindex="-1">Network</h2>
    ${
      state ??
      html`<p class="muted">
          ${`${network.data.participants.length} participants · the server root serves ${network.data.root} · ${network.data.pendingDeliveries} deliveries waiting in the carrier`}
        </p>
        <div class="table-wrap">
          <table class="stack">
            <caption class="sr-only">Participants</caption>
            <thead>
              <tr>
                <th scope="col">Participant</th>
                <th scope="col">IP</th>
                <th scope="col">Sends with</th>
                <th scope="col">Receives (service records)</th>
                <th scope="col">Queues</th>
              </tr>
            </thead>
            <tbody>
              ${network.data.participants.map((p) => html`<${ParticipantRow} key=${p.id} participant=${p} />`)}
            </tbody>
          </table>
        </div>`
    }
  </section>`;
}

function ParticipantRow({ participant: p }) {
  return html`<tr>
    <td data-label="Participant">
      <strong>${p.name}</strong><br /><span class="mono">${p.id}</span>
    </td>
    <td data-label="IP" class="wrap">${p.hasIntegrationPoint ? html`<span class="mono">${p.baseUrl}</span>` : html`<span class="muted">no IP</span>`}</td>
    <td data-label="Sends with">${p.enabledServices.length ? p.enabledServices.join(', ') : html`<span class="muted">–</span>`}</td>
    <td data-label="Receives">
      ${
        p.accepts.length
          ? html`<ul class="plain">
              ${p.accepts.map(
                (a) => html`<li>
                  <span class="badge info">${a.service}</span> <span class="mono wrap">${a.process}</span>
                  <span class="muted"> · level ${a.securityLevel} · ${a.documentTypes.map((d) => d.split(':').pop()).join(', ')}</span>
                </li>`,
              )}
            </ul>`
          : html`<span class="muted">–</span>`
      }
    </td>
    <td data-label="Queues">
      ${
        p.queues
          ? html`<a href=${`#/messages?participant=${encodeURIComponent(p.id)}`}>${p.queues.outgoing} out · ${p.queues.incoming} in</a>`
          : html`<span class="muted">–</span>`
      }
    </td>
  </tr>`;
}
