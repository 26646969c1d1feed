// The simulator clock in the header: its time, and buttons that move it forward (locks expire, due deliveries run,
// expired messages get LEVETID_UTLOPT).
import { post, useResource } from '../api.js';
import { html } from '../html.js';
import { Time, useAction } from '../ui.js';
import { useState } from '../vendor/preact-hooks.mjs';

const STEPS = [
  { label: '+1 min', ms: 60_000 },
  { label: '+1 h', ms: 3_600_000 },
  { label: '+1 day', ms: 86_400_000 },
];

export function ClockControl() {
  const clock = useResource('/clock', (e) => e.type === 'clock');
  const [minutes, setMinutes] = useState('');
  const [advance, busy, error] = useAction((ms) => post('/clock/advance', { ms }));
  const view = clock.data;
  return html`<div class="clock" role="group" aria-label="Simulator clock">
    <span>
      <span class="muted">Clock${view ? ` (${view.mode})` : ''}:</span> ${view ? html`<${Time} value=${view.now} />` : '…'}
    </span>
    ${STEPS.map(
      (
        s,
      ) => html`<button type="button" disabled=${busy} onClick=${() => advance(s.ms)} aria-label=${`Advance the clock ${s.label.slice(1)}`}>
        ${s.label}
      </button>`,
    )}
    <form
      class="row"
      onSubmit=${(e) => {
        e.preventDefault();
        const value = Number(minutes);
        if (Number.isFinite(value) && value > 0) advance(Math.round(value * 60_000)).then(() => setMinutes(''));
      }}
    >
      <label class="sr-only" for="clock-minutes">Advance the clock by minutes</label>
      <input id="clock-minutes" type="number" min="0" step="any" placeholder="min" style="width: 5rem" value=${minutes} onInput=${(e) => setMinutes(e.currentTarget.value)} />
      <button type="submit" disabled=${busy}>Advance</button>
    </form>
    ${error && html`<span class="notice error" role="alert">${error.message}</span>`}
  </div>`;
}
