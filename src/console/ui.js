// Small shared pieces of the console: status badges, times, a field with its label, notices.

import { html } from './html.js';
import { useState } from './vendor/preact-hooks.mjs';

/** The IP's statuses grouped by what they mean to the sender (the colours of the badges). */
const STATUS_TONE = {
  OPPRETTET: 'info',
  SENDT: 'info',
  MOTTATT: 'info',
  LEVERT: 'ok',
  LEST: 'ok',
  INNKOMMENDE_MOTTATT: 'info',
  INNKOMMENDE_LEVERT: 'ok',
  FEIL: 'bad',
  LEVETID_UTLOPT: 'bad',
  ANNET: 'wait',
};

/** A status as a coloured pill (colour is never the only cue: the name is the text). */
export function StatusBadge({ status }) {
  if (!status) return html`<span class="muted">–</span>`;
  return html`<span class="badge ${STATUS_TONE[status] ?? ''}">${status}</span>`;
}

/** Formats an ISO time or epoch ms as local date and time (seconds shown: things happen fast in a simulator). */
export function formatTime(value) {
  if (value === undefined || value === null || value === '') return '–';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function Time({ value }) {
  if (value === undefined || value === null) return html`<span class="muted">–</span>`;
  const date = new Date(value);
  return html`<time datetime=${Number.isNaN(date.getTime()) ? undefined : date.toISOString()}>${formatTime(value)}</time>`;
}

let ids = 0;
/** A stable id for a label/control pair. */
export function useId(prefix = 'f') {
  const [id] = useState(() => `${prefix}-${++ids}`);
  return id;
}

/** A labelled control: `control(id)` renders the input with the id the label points at. */
export function Field({ label, hint, control, class: cls = '' }) {
  const id = useId();
  return html`<div class="field ${cls}">
    <label for=${id}>${label}</label>
    ${control(id, hint ? `${id}-hint` : undefined)}
    ${hint && html`<div class="muted" id=${`${id}-hint`}>${hint}</div>`}
  </div>`;
}

/** An error or confirmation next to a form, announced to screen readers. */
export function Notice({ error, ok }) {
  if (error) return html`<div class="notice error" role="alert">${error.message ?? String(error)}</div>`;
  if (ok) return html`<div class="notice" role="status">${ok}</div>`;
  return html`<div role="status" class="sr-only"></div>`;
}

/** Loading / failed / empty states of a resource. Returns undefined when `data` is there to show. */
export function loadState(resource, what) {
  if (resource.error && resource.data === undefined)
    return html`<div class="notice error" role="alert">Could not load ${what}: ${resource.error.message}</div>`;
  if (resource.loading && resource.data === undefined) return html`<p class="empty loading" role="status">Loading ${what}…</p>`;
  return undefined;
}

/**
 * Runs an action of a button: disables nothing globally, returns [run, busy, error, ok].
 * @param {(...args: any[]) => Promise<unknown>} action
 */
export function useAction(action) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(undefined);
  const [ok, setOk] = useState(undefined);
  const run = async (...args) => {
    setBusy(true);
    setError(undefined);
    setOk(undefined);
    try {
      const result = await action(...args);
      setOk(typeof result === 'string' ? result : 'Done.');
      return result;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return [run, busy, error, ok];
}
