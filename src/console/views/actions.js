// Acting as the other side of a message: deliver it now, the receiver reads it (LEST), it fails (FEIL with a
// reason), its lifetime runs out (LEVETID_UTLOPT). The simulator registers the statuses the way the IPs would, so
// the sender's tracker, its status queue and its webhooks see them.
import { post } from '../api.js';
import { html } from '../html.js';
import { Notice, useAction } from '../ui.js';
import { useState } from '../vendor/preact-hooks.mjs';
import { messagePath } from './messages.js';

const DONE = {
  deliver: 'Delivered.',
  read: 'Marked as read.',
  fail: 'Marked as failed (FEIL).',
  expire: 'Expired (LEVETID_UTLOPT).',
};

export function MessageActions({ message, onDone }) {
  const [reason, setReason] = useState('');
  const [acknowledge, setAcknowledge] = useState(true);
  const [run, busy, error, ok] = useAction(async (action, body) => {
    await post(`${messagePath(message.key)}/${action}`, body);
    onDone?.();
    return DONE[action];
  });
  const finished = message.finished && message.status !== 'LEVERT';
  return html`<section class="panel actions" aria-labelledby="actions-title">
    <h3 id="actions-title">Act as the other side</h3>
    ${finished && html`<p class="muted">This message is finished (${message.status}); the simulator will refuse most actions.</p>`}
    <div class="row">
      <button type="button" class="primary" disabled=${busy} onClick=${() => run('deliver', { acknowledge })}>Deliver now</button>
      <label class="check"><input type="checkbox" checked=${acknowledge} onChange=${(e) => setAcknowledge(e.currentTarget.checked)} /> and the receiver takes it</label>
    </div>
    <div class="row" style="margin-top: 0.6rem">
      <button type="button" disabled=${busy} onClick=${() => run('read', {})}>Mark read (LEST)</button>
      <button type="button" class="danger" disabled=${busy} onClick=${() => run('expire', {})}>Expire (LEVETID_UTLOPT)</button>
    </div>
    <form
      class="row"
      style="margin-top: 0.6rem"
      onSubmit=${(e) => {
        e.preventDefault();
        run('fail', reason.trim() ? { reason: reason.trim() } : {});
      }}
    >
      <div class="field grow-field">
        <label for="fail-reason">Reason for FEIL</label>
        <input id="fail-reason" type="text" value=${reason} placeholder="Failed from the simulator console" onInput=${(e) => setReason(e.currentTarget.value)} />
      </div>
      <div class="field"><button type="submit" class="danger" disabled=${busy}>Fail (FEIL)</button></div>
    </form>
    <${Notice} error=${error} ok=${ok} />
  </section>`;
}
