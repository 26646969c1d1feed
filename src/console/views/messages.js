// Every conversation in the network, newest first: direction, service, process, parties, title, status and its
// timeline, and where the message sits (an outgoing one being built with its files, an incoming one queued or
// locked with its deadline). The filters live in the location hash, so a filtered list is a link.
import { useResource } from '../api.js';
import { html } from '../html.js';
import { Field, loadState, StatusBadge, Time } from '../ui.js';

const FILTERS = ['participant', 'direction', 'status', 'service', 'q'];

/** The page's link to a message: `#/messages/<owner>/<direction>/<messageId>`. */
export function messageHref(key) {
  return `#/messages/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** The API path of a message: `/messages/<owner>/<direction>/<messageId>` (the id URL-encoded). */
export function messagePath(key) {
  const [owner, direction, ...id] = key.split('/');
  return `/messages/${encodeURIComponent(owner)}/${direction}/${encodeURIComponent(id.join('/'))}`;
}

/** The last part of a process or document type URN: `urn:no:difi:profile:arkivmelding:administrasjon:ver1.0` → `administrasjon`. */
export function shortProcess(urn) {
  const parts = (urn ?? '').split(':');
  return parts.length > 2 ? (parts.at(-1).startsWith('ver') ? parts.at(-2) : parts.at(-1)) : urn;
}

function setFilter(query, name, value) {
  const next = new URLSearchParams(query);
  if (value) next.set(name, value);
  else next.delete(name);
  const search = next.toString();
  location.replace(`#/messages${search ? `?${search}` : ''}`);
}

/** Where the message sits now, in words. */
export function Whereabouts({ message: m }) {
  if (m.outgoing) {
    const files = m.outgoing.files.length;
    if (m.outgoing.state === 'building')
      return html`<span class="badge wait">building</span> <span class="muted">${files} file${files === 1 ? '' : 's'} so far</span>`;
    if (m.outgoing.state === 'queued') return html`<span class="badge info">in the carrier</span>`;
    return html`<span class="muted">${m.outgoing.state}</span>`;
  }
  if (m.incoming) {
    if (m.incoming.state === 'locked')
      return html`<span class="badge wait">locked</span> <span class="muted">until <${Time} value=${m.incoming.lockedUntil} /></span>`;
    if (m.incoming.state === 'queued')
      return html`<span class="badge info">in the queue</span>${m.incoming.popped ? html` <span class="muted">popped</span>` : ''}`;
    return html`<span class="muted">${m.incoming.state}</span>`;
  }
  return '';
}

/** The timeline of statuses in one line. */
export function Timeline({ statuses }) {
  return html`<span class="muted timeline-line">${statuses.map((s) => s.status).join(' → ')}</span>`;
}

export function MessagesView({ route }) {
  const query = route.query;
  const params = new URLSearchParams();
  for (const name of FILTERS) if (query.get(name)) params.set(name, query.get(name));
  const path = `/messages${params.size ? `?${params}` : ''}`;
  const messages = useResource(path, (e) => e.type === 'message' || e.type === 'status');
  const network = useResource('/network', () => false);
  const participants = network.data?.participants ?? [];
  const state = loadState(messages, 'the messages');
  const select = (name, label, options) =>
    html`<${Field}
      label=${label}
      control=${(
        id,
      ) => html`<select id=${id} value=${query.get(name) ?? ''} onChange=${(e) => setFilter(query, name, e.currentTarget.value)}>
        <option value="">All</option>
        ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
      </select>`}
    />`;
  return html`<section aria-labelledby="messages-title">
    <h2 id="messages-title" tabindex="-1">Messages</h2>
    <form class="fields filters" role="search" aria-label="Filter messages" onSubmit=${(e) => e.preventDefault()}>
      ${select(
        'participant',
        'Participant',
        participants.filter((p) => p.hasIntegrationPoint).map((p) => [p.id, `${p.name} (${p.id})`]),
      )}
      ${select('direction', 'Direction', [
        ['out', 'Outgoing'],
        ['in', 'Incoming'],
      ])}
      ${select(
        'status',
        'Status',
        (network.data?.statuses ?? []).map((s) => [s, s]),
      )}
      ${select(
        'service',
        'Service',
        (network.data?.services ?? []).map((s) => [s, s]),
      )}
      <${Field}
        label="Search by id"
        control=${(id) => html`<input
          id=${id}
          type="search"
          placeholder="messageId or conversationId"
          value=${query.get('q') ?? ''}
          onInput=${(e) => setFilter(query, 'q', e.currentTarget.value.trim())}
        />`}
      />
    </form>
    ${state ?? html`<${MessageTable} messages=${messages.data.messages} total=${messages.data.total} />`}
  </section>`;
}

function MessageTable({ messages, total }) {
  if (messages.length === 0) return html`<p class="empty" role="status">No messages match.</p>`;
  return html`<p class="muted" role="status">${total === messages.length ? `${total} messages` : `${messages.length} of ${total} messages`}</p>
    <div class="table-wrap">
      <table class="stack messages">
        <caption class="sr-only">Messages, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Message</th>
            <th scope="col">Service</th>
            <th scope="col">Sender → receiver</th>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Where</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          ${messages.map((m) => html`<${MessageRow} key=${m.key} message=${m} />`)}
        </tbody>
      </table>
    </div>`;
}

function MessageRow({ message: m }) {
  return html`<tr data-key=${m.key}>
    <td data-label="Message" class="wrap">
      <a href=${messageHref(m.key)} class="mono">${m.messageId}</a><br />
      <span class="muted">${m.direction === 'out' ? 'Outgoing from' : 'Incoming to'} ${m.owner}</span>
    </td>
    <td data-label="Service"><span class="badge info">${m.serviceIdentifier}</span><br /><span class="muted">${shortProcess(m.process)}</span></td>
    <td data-label="Parties" class="wrap mono">${m.sender ?? '?'} → ${m.receiver ?? '?'}</td>
    <td data-label="Title" class="wrap">${m.title || html`<span class="muted">(no title)</span>`}</td>
    <td data-label="Status"><${StatusBadge} status=${m.status} /><br /><${Timeline} statuses=${m.statuses} /></td>
    <td data-label="Where"><${Whereabouts} message=${m} /></td>
    <td data-label="Updated"><${Time} value=${m.lastUpdate} /></td>
  </tr>`;
}
