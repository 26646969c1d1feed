/**
 * The console suites' harness: one Debian chromium per test file (launched in `beforeAll` through playwright-core,
 * which downloads no browser of its own), and per test a fresh simulator on a real HTTP server on 127.0.0.1 and a
 * fresh page. Every test fails when the page logged an error to its console or threw (checked in `afterEach`).
 */
import { arkivmelding, arkivmeldingXml, IntegrasjonspunktClient, messageIdOf } from 'eformidling';
import { type SimulatorServer, type StartSimulatorOptions, startSimulator } from 'eformidling/mock';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { CHROMIUM } from '../helpers/detect-services.js';

/** What {@link useConsole} gives a test. */
export interface ConsoleContext {
  /** The simulator of the current test. */
  readonly server: SimulatorServer;
  /** The page of the current test (1280×800 unless {@link ConsoleContext.open} was given another size). */
  readonly page: Page;
  /** Opens the console (at `#/<hash>`) in the test's page and waits until its first view has loaded. */
  open(hash?: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** The console's own URL on the test's simulator. */
  readonly url: string;
  /** What the page logged as errors so far (console errors, uncaught exceptions, failed requests). */
  readonly errors: string[];
}

/**
 * Sets up the browser for the file and a simulator + page per test; `options` go to `startSimulator` (with
 * `basicAuth`, the page's context sends those credentials). Call at the top of a
 * `describe.skipIf(!services().chromium)` block.
 */
export function useConsole(options: () => StartSimulatorOptions = () => ({})): ConsoleContext {
  let browser: Browser | undefined;
  let server: SimulatorServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  let credentials: { username: string; password: string } | undefined;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    errors = [];
    const startOptions = options();
    // With Basic auth on the simulator, the browser answers its challenge as a user who typed the credentials would.
    credentials = startOptions.basicAuth;
    server = await startSimulator({ port: 0, ...startOptions });
  });
  afterEach(async (test) => {
    const logged = errors;
    await context?.close();
    context = undefined;
    page = undefined;
    await server?.close();
    server = undefined;
    // A test that already failed keeps its own failure; otherwise a page error fails it here.
    if (test.task.result?.state !== 'fail') expect(logged, 'the page logged errors').toEqual([]);
  });

  const ctx: ConsoleContext = {
    get server() {
      if (!server) throw new Error('useConsole(): the simulator exists only inside a test');
      return server;
    },
    get page() {
      if (!page) throw new Error('useConsole(): call open() first');
      return page;
    },
    get url() {
      return consoleUrl(ctx.server);
    },
    get errors() {
      return errors;
    },
    async open(hash = '', viewport = { width: 1280, height: 800 }) {
      if (!browser) throw new Error('useConsole(): the browser did not start');
      context ??= await browser.newContext({ viewport, ...(credentials ? { httpCredentials: credentials } : {}) });
      if (!page) {
        page = await context.newPage();
        watch(page, errors);
      } else await page.setViewportSize(viewport);
      await page.goto(`${ctx.url}${hash ? `#/${hash}` : ''}`);
      await page.locator('main h2').first().waitFor();
      await page.locator('.live[data-state="open"]').waitFor();
      return page;
    },
  };
  return ctx;
}

function watch(page: Page, errors: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    // The event stream is cut when the page closes, and a reload aborts the requests in flight (ERR_ABORTED): the
    // browser's doing, not the page's. Anything else that fails is an error of the page.
    const url = request.url();
    const reason = request.failure()?.errorText ?? '';
    if (!url.endsWith('/console/api/events') && reason !== 'net::ERR_ABORTED') errors.push(`request failed: ${url} ${reason}`);
  });
}

/** The console's URL on a running simulator. */
export function consoleUrl(server: SimulatorServer): string {
  const url = (server as SimulatorServer & { consoleUrl?: string }).consoleUrl;
  return url ?? `${server.url}/console/`;
}

/** Sends a small arkivmelding with the SDK from `from` to `to` through the test's simulator; resolves to its messageId. */
export async function sendArkivmelding(server: SimulatorServer, from: string, to: string, tittel: string): Promise<string> {
  const ip = new IntegrasjonspunktClient({ baseUrl: server.baseUrl(from), retry: false });
  const stored = await ip.send({
    sbd: arkivmelding({ receiver: to, hoveddokument: 'vedtak.pdf' }),
    files: [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel, files: ['vedtak.pdf'], saksaar: 2026, sakssekvensnummer: 42 }) },
      { filename: 'vedtak.pdf', content: Buffer.from('%PDF-1.7\n% vedtak\n'), mimeType: 'application/pdf' },
    ],
  });
  const id = messageIdOf(stored);
  if (!id) throw new Error('the send returned no messageId');
  return id;
}

/** The page's row of a message in the messages list. */
export function messageRow(page: Page, owner: string, direction: 'in' | 'out', messageId: string) {
  return page.locator(`tr[data-key="${owner}/${direction}/${messageId}"]`);
}
