// The simulator console: a header (live state, clock), tabs, and the view the location hash names. Each view loads
// what it shows from the JSON API and reloads it when the event stream reports a change (see api.js).

import { useConnection } from './api.js';
import { html } from './html.js';
import { render } from './vendor/preact.mjs';
import { useEffect, useRef, useState } from './vendor/preact-hooks.mjs';
import { ClockControl } from './views/clock.js';
import { ComposeView } from './views/compose.js';
import { FaultsView } from './views/faults.js';
import { MessageView } from './views/message.js';
import { MessagesView } from './views/messages.js';
import { NetworkView } from './views/network.js';
import { RequestsView } from './views/requests.js';
import { WebhooksView } from './views/webhooks.js';

/** The tabs, in order: hash route, label, view. */
const TABS = [
  { route: 'messages', label: 'Messages', view: MessagesView },
  { route: 'network', label: 'Network', view: NetworkView },
  { route: 'compose', label: 'Compose', view: ComposeView },
  { route: 'faults', label: 'Faults', view: FaultsView },
  { route: 'requests', label: 'Requests', view: RequestsView },
  { route: 'webhooks', label: 'Webhooks', view: WebhooksView },
];

/** `#/messages/abc?x=1` → { tab: 'messages', rest: ['abc'], query: URLSearchParams }. */
export function parseHash(hash) {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?');
  const [tab = 'messages', ...rest] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { tab, rest, query: new URLSearchParams(search) };
}

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return parseHash(hash);
}

const LIVE_TEXT = { connecting: 'Connecting…', open: 'Live', error: 'Reconnecting…', closed: 'Disconnected' };

function App() {
  const route = useRoute();
  const connection = useConnection();
  const main = useRef(null);
  const first = useRef(true);
  const tab = TABS.find((t) => t.route === route.tab) ?? TABS[0];
  const detail = tab.route === 'messages' && route.rest.length > 0;
  const key = route.rest.join('/');
  const title = detail ? `Message ${route.rest.at(-1)}` : tab.label;
  useEffect(() => {
    document.title = `${title} · eFormidling simulator console`;
    // After navigating, keyboard and screen reader users land on the new view's heading.
    if (first.current) first.current = false;
    else main.current?.querySelector('h2')?.focus();
  }, [title]);
  const View = tab.view;
  return html`
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault();
      main.current?.querySelector('h2')?.focus();
    }}>Skip to content</a>
    <header class="top">
      <h1>eFormidling simulator</h1>
      <span class="live" data-state=${connection} role="status" aria-live="polite">${LIVE_TEXT[connection] ?? connection}</span>
      <span class="grow"></span>
      <${ClockControl} />
    </header>
    <nav class="tabs" aria-label="Console sections">
      ${TABS.map((t) => html`<a href=${`#/${t.route}`} aria-current=${t === tab ? 'page' : undefined}>${t.label}</a>`)}
    </nav>
    <main id="main" ref=${main}>
      ${detail ? html`<${MessageView} key=${key} id=${key} />` : html`<${View} route=${route} />`}
    </main>
  `;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
