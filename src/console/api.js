// The console's only way to the simulator: its JSON API under /console/api (docs/console-api.md) and the event
// stream /console/api/events. No polling: a view reloads what it shows when an event says it changed.
import { useEffect, useRef, useState } from './vendor/preact-hooks.mjs';

export const API = '/console/api';

/** An answer of the API that is not 2xx, with the message the server gave. */
export class ApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Calls the API; resolves to the parsed JSON (undefined for an empty body).
 * @param {string} path under /console/api
 * @param {RequestInit} [init]
 */
export async function call(path, init = {}) {
  const changing = (init.method ?? 'GET') !== 'GET';
  if (changing) changeStarted();
  try {
    return await request(path, init);
  } finally {
    if (changing) changeEnded();
  }
}

async function request(path, init) {
  const response = await fetch(`${API}${path}`, { ...init, headers: { accept: 'application/json', ...init.headers } });
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!response.ok) {
    const message = (body && typeof body === 'object' && (body.message || body.error)) || text || response.statusText;
    throw new ApiError(response.status, `${response.status}: ${message}`);
  }
  return body;
}

// The page's own changes (POST, PUT, PATCH, DELETE) in flight. A read that was under way while one of them was may
// show the state from before it (the server answered the read first, or the answer was rendered after the click), so
// useResource throws that answer away and reads again once the changes are done: what a view shows never goes back
// behind a change the user just made.
let changesInFlight = 0;
let changeEpoch = 0;
const afterChanges = new Set();

function changeStarted() {
  changesInFlight += 1;
  changeEpoch += 1;
}

function changeEnded() {
  changesInFlight -= 1;
  changeEpoch += 1;
  if (changesInFlight > 0) return;
  const waiting = [...afterChanges];
  afterChanges.clear();
  for (const run of waiting) run();
}

/** Runs `run` once no change is in flight (at once if none is). */
function whenChangesDone(run) {
  if (changesInFlight === 0) run();
  else afterChanges.add(run);
}

/** POSTs JSON. @param {string} path @param {unknown} [body] */
export function post(path, body) {
  return call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
}

/** PUT/PATCH/DELETE with an optional JSON body. @param {string} method @param {string} path @param {unknown} [body] */
export function send(method, path, body) {
  return call(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * An event of the stream: `type` is its SSE `event:` name (message, status, request, fault, webhook, clock, reset).
 * @typedef {{ type: string, data: any }} ConsoleEvent
 */

/** The stream's event names (docs/console-api.md); EventSource delivers a named event only to listeners of its name. */
const EVENT_TYPES = ['message', 'status', 'request', 'fault', 'webhook', 'clock', 'reset'];

const listeners = new Set();
const stateListeners = new Set();
let source;
let state = 'connecting';

function setState(next) {
  state = next;
  for (const listener of stateListeners) listener(state);
}

/** Opens the event stream once for the page; EventSource reconnects by itself after a drop (with Last-Event-ID). */
function connect() {
  if (source) return;
  source = new EventSource(`${API}/events`);
  source.onopen = () => {
    // Back after a drop (the simulator may have restarted): every view reloads what it shows.
    const reconnected = state === 'error';
    setState('open');
    if (reconnected) dispatch('reset', '{}');
  };
  source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'error');
  for (const type of EVENT_TYPES) source.addEventListener(type, (message) => dispatch(type, message.data));
}

function dispatch(type, raw) {
  let data;
  try {
    data = raw ? JSON.parse(raw) : undefined;
  } catch {
    data = raw;
  }
  for (const listener of listeners) listener({ type, data });
}

/** Calls `listener` for every event until the returned function is called. @param {(e: ConsoleEvent) => void} listener */
export function onEvent(listener) {
  connect();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The stream's state: 'connecting' | 'open' | 'error' | 'closed'. */
export function useConnection() {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    connect();
    stateListeners.add(setCurrent);
    setCurrent(state);
    return () => stateListeners.delete(setCurrent);
  }, []);
  return current;
}

/**
 * Loads `path` and reloads it whenever an event for which `when(event)` is true arrives.
 * @param {string | undefined} path undefined loads nothing
 * @param {(e: ConsoleEvent) => boolean} [when] which events change what `path` shows (default: every event)
 * @returns {{ data: any, error: Error | undefined, loading: boolean, reload: () => void }}
 */
export function useResource(path, when = () => true) {
  const [result, setResult] = useState({ data: undefined, error: undefined, loading: true });
  const [version, setVersion] = useState(0);
  const latest = useRef(when);
  latest.current = when;
  useEffect(() => {
    // A burst of events (one send makes several) becomes one reload.
    let timer;
    const stop = onEvent((event) => {
      if (timer === undefined && (event.type === 'reset' || latest.current(event)))
        timer = setTimeout(() => {
          timer = undefined;
          setVersion((v) => v + 1);
        }, 30);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, []);
  useEffect(() => {
    if (path === undefined) return;
    let live = true;
    const epoch = changeEpoch;
    call(path).then(
      (data) => {
        if (!live) return;
        if (changesInFlight > 0 || epoch !== changeEpoch) return whenChangesDone(() => live && setVersion((v) => v + 1)); // may predate a change: read again
        setResult({ data, error: undefined, loading: false });
      },
      (error) => live && setResult((r) => ({ data: r.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  return { ...result, reload: () => setVersion((v) => v + 1) };
}
