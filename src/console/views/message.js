// One message: who, what, where it sits, its full status timeline, the actions of the other side, its files and
// ASiC-E entries with download links, the arkivmelding as a summary, and the SBD as the IP stores it.
import { useResource } from '../api.js';
import { ArkivmeldingSummary } from '../arkivmelding.js';
import { html } from '../html.js';
import { loadState, StatusBadge, Time } from '../ui.js';
import { MessageActions } from './actions.js';
import { messageHref, messagePath, shortProcess, Whereabouts } from './messages.js';

/** The message a stream event is about. */
function aboutMessage(event, messageId) {
  return (event.type === 'message' || event.type === 'status') && event.data?.message?.messageId === messageId;
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function MessageView({ id: key }) {
  const messageId = key.split('/').slice(2).join('/');
  const detail = useResource(messagePath(key), (e) => aboutMessage(e, messageId));
  const related = useResource(`/messages?q=${encodeURIComponent(messageId)}`, (e) => aboutMessage(e, messageId));
  const state = loadState(detail, 'the message');
  const m = detail.data;
  return html`<section aria-labelledby="message-title">
    <p><a href="#/messages">← All messages</a></p>
    <h2 id="message-title" tabindex="-1">Message <span class="mono">${messageId}</span></h2>
    ${
      state ??
      html`<div class="grid2">
          <div>
            <${Summary} message=${m} />
            <${Conversations} current=${key} related=${related.data?.messages ?? []} />
          </div>
          <div>
            <${MessageActions} message=${m} onDone=${detail.reload} />
            <section class="panel" aria-labelledby="timeline-title">
              <h3 id="timeline-title">Status timeline</h3>
              <${StatusTimeline} statuses=${m.statuses} />
            </section>
          </div>
        </div>
        <${Files} message=${m} />
        ${
          m.arkivmelding &&
          html`<section class="panel" aria-labelledby="arkivmelding-title">
            <h3 id="arkivmelding-title">Arkivmelding</h3>
            <${ArkivmeldingSummary}
              url=${m.arkivmelding.url}
              fileUrl=${(name) => [...(m.outgoing?.files ?? []), ...(m.incoming?.files ?? [])].find((f) => f.filename === name)?.url}
            />
          </section>`
        }
        <section class="panel" aria-labelledby="sbd-title">
          <h3 id="sbd-title">Standard Business Document</h3>
          ${m.sbd ? html`<pre tabindex="0" aria-label="The SBD as JSON">${JSON.stringify(m.sbd, null, 2)}</pre>` : html`<p class="muted">The IP no longer holds the SBD.</p>`}
        </section>`
    }
  </section>`;
}

function Summary({ message: m }) {
  return html`<section class="panel" aria-labelledby="summary-title">
    <h3 id="summary-title">Summary</h3>
    <dl class="kv">
      <dt>Status</dt>
      <dd><${StatusBadge} status=${m.status} />${m.finished ? html` <span class="muted">(finished)</span>` : ''}</dd>
      <dt>Direction</dt>
      <dd>${m.direction === 'out' ? 'Outgoing from' : 'Incoming to'} <span class="mono">${m.owner}</span></dd>
      <dt>Where</dt>
      <dd><${Whereabouts} message=${m} /></dd>
      <dt>Sender</dt>
      <dd class="mono">${m.sender ?? '–'}</dd>
      <dt>Receiver</dt>
      <dd class="mono">${m.receiver ?? '–'}</dd>
      <dt>Title</dt>
      <dd>
        ${m.title || (m.arkivmelding?.offentligTittel ? html`${m.arkivmelding.offentligTittel} <span class="muted">(from the arkivmelding)</span>` : html`<span class="muted">(no title)</span>`)}
      </dd>
      <dt>Service</dt>
      <dd>${m.serviceIdentifier} · ${m.type}</dd>
      <dt>Process</dt>
      <dd class="mono" title=${m.process}>${shortProcess(m.process)}</dd>
      <dt>Document type</dt>
      <dd class="mono">${m.documentType}</dd>
      <dt>Conversation</dt>
      <dd class="mono">${m.conversationId}</dd>
      <dt>Created</dt>
      <dd><${Time} value=${m.createdAt} /></dd>
      <dt>Updated</dt>
      <dd><${Time} value=${m.lastUpdate} /></dd>
      <dt>Expires</dt>
      <dd><${Time} value=${m.expiry} /></dd>
    </dl>
  </section>`;
}

function Conversations({ current, related }) {
  const others = related.filter((r) => r.key !== current);
  if (others.length === 0) return null;
  return html`<section class="panel" aria-labelledby="other-title">
    <h3 id="other-title">The same message elsewhere</h3>
    <ul class="plain">
      ${others.map(
        (o) => html`<li>
          <a href=${messageHref(o.key)}>${o.direction === 'out' ? 'Outgoing from' : 'Incoming to'} ${o.owner}</a>
          <${StatusBadge} status=${o.status} />
        </li>`,
      )}
    </ul>
  </section>`;
}

export function StatusTimeline({ statuses }) {
  if (statuses.length === 0) return html`<p class="muted">No status yet.</p>`;
  return html`<ol class="timeline">
    ${statuses.map(
      (s) => html`<li>
        <${StatusBadge} status=${s.status} /> <span class="muted"><${Time} value=${s.at} /></span>
        ${s.description && html`<div class="muted">${s.description}</div>`}
      </li>`,
    )}
  </ol>`;
}

function Files({ message: m }) {
  const files = m.outgoing?.files ?? m.incoming?.files ?? [];
  const building = m.outgoing?.state === 'building';
  return html`<section class="panel" aria-labelledby="files-title">
    <h3 id="files-title">Files${building ? ' uploaded so far' : ''}</h3>
    ${
      files.length === 0
        ? html`<p class="muted">${m.outgoing?.state === 'transmitted' ? 'The files left with the message.' : 'No files held.'}</p>`
        : html`<div class="table-wrap">
            <table class="stack">
              <thead>
                <tr><th scope="col">#</th><th scope="col">File</th><th scope="col">Title</th><th scope="col">Type</th><th scope="col">Size</th></tr>
              </thead>
              <tbody>
                ${files.map(
                  (f) => html`<tr>
                    <td data-label="#">${f.dokumentnummer}</td>
                    <td data-label="File" class="wrap">
                      <a href=${f.url} download=${f.filename}>${f.filename}</a>${f.primary ? html` <span class="badge info">hoveddokument</span>` : ''}
                    </td>
                    <td data-label="Title">${f.title ?? html`<span class="muted">–</span>`}</td>
                    <td data-label="Type" class="mono">${f.mimeType}</td>
                    <td data-label="Size">${size(f.size)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${
      m.asic &&
      html`<h4>ASiC-E</h4>
        <p><a href=${m.asic.url} download="message.asice">Download the ASiC-E</a> <span class="muted">(what the receiver pops; reading it here neither locks nor pops)</span></p>
        <ul class="plain">
          ${m.asic.entries.map(
            (e) =>
              html`<li><a href=${e.url} download=${e.name.split('/').pop()} class="mono">${e.name}</a> <span class="muted">${e.kind ? `${e.kind} · ` : ''}${size(e.size)}</span></li>`,
          )}
        </ul>`
    }
  </section>`;
}
