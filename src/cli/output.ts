/**
 * Everything the CLI prints goes through here: colours (only on a TTY, never with `NO_COLOR`), tables, JSON, the
 * status glossary, and a last-line scrub: configured secrets, `Basic …`/`Bearer …` credentials a server echoed back,
 * and control characters (text from the IP must not clear the screen or retitle the terminal).
 * @internal
 * @module
 */
import { escapeControls, redactAuth } from './text.js';

/** A writable stream as the CLI needs it (`process.stdout` or a test double). @internal */
export interface OutStream {
  write(chunk: string): boolean;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** The process environment and streams the CLI runs with. @internal */
export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * The status values the IP sends (the `ReceiptStatus` enum) with a short English gloss. Unknown values are shown as they are.
 * @internal
 */
export const STATUS_GLOSS: Readonly<Record<string, string>> = {
  OPPRETTET: 'created',
  SENDT: 'sent',
  MOTTATT: 'received by the receiver’s IP',
  LEVERT: 'delivered',
  LEST: 'read',
  FEIL: 'failed',
  ANNET: 'other',
  INNKOMMENDE_MOTTATT: 'incoming, queued',
  INNKOMMENDE_LEVERT: 'incoming, picked up',
  LEVETID_UTLOPT: 'expired',
};

/** `LEVERT (delivered)`; unknown values unchanged. @internal */
export function glossStatus(status: string): string {
  const gloss = Object.hasOwn(STATUS_GLOSS, status) ? STATUS_GLOSS[status] : undefined;
  return gloss ? `${status} (${gloss})` : status;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

/** A colour name. @internal */
export type Colour = keyof typeof CODES;

/**
 * Whether to colour a stream: a TTY, `NO_COLOR` unset or empty, `TERM` not `dumb`. `FORCE_COLOR` (not `0`) turns
 * colours on for a pipe; `NO_COLOR` and `--no-color` win over it.
 * @internal
 */
export function useColour(stream: OutStream, env: Record<string, string | undefined>, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Column alignment. @internal */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Colour a cell (applied after padding, so alignment stays right). */
  colour?: ((row: T) => Colour | undefined) | undefined;
  /** This column may be cut to fit the terminal width (the last such column is cut). */
  flexible?: boolean | undefined;
}

/** @internal */
export class Output {
  readonly io: CliIo;
  readonly json: boolean;
  readonly colour: boolean;
  readonly errColour: boolean;
  readonly #secrets: string[];

  constructor(io: CliIo, options: { json?: boolean | undefined; colour?: boolean | undefined; secrets?: readonly string[] } = {}) {
    this.io = io;
    this.json = options.json === true;
    this.colour = !this.json && useColour(io.stdout, io.env, options.colour);
    this.errColour = useColour(io.stderr, io.env, options.colour);
    // Longest first, so a secret containing another is replaced whole.
    this.#secrets = [...new Set((options.secrets ?? []).filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  }

  /**
   * Replaces every configured secret (password, API key) and every `Basic …`/`Bearer …` credential by `***`, and
   * escapes control characters other than newlines, tabs and the CLI's own colours.
   */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('***');
    return escapeControls(redactAuth(out), { ownColours: true });
  }

  /** Colours `text` for stdout when colours are on. */
  paint(colour: Colour | undefined, text: string, forStderr = false): string {
    if (!colour || !(forStderr ? this.errColour : this.colour)) return text;
    const [open, close] = CODES[colour];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** The colour of a status value: green delivered/read, red failed/expired, none otherwise. */
  statusColour(status: string): Colour | undefined {
    if (status === 'LEVERT' || status === 'LEST' || status === 'INNKOMMENDE_LEVERT') return 'green';
    if (status === 'FEIL' || status === 'LEVETID_UTLOPT') return 'red';
    return undefined;
  }

  /** `LEVERT (delivered)`, coloured. */
  status(status: string): string {
    return this.paint(this.statusColour(status), glossStatus(status));
  }

  /** One line to stdout. */
  line(text = ''): void {
    this.io.stdout.write(`${this.scrub(text)}\n`);
  }

  /** One line to stderr (notes, progress messages, warnings). */
  note(text: string): void {
    this.io.stderr.write(`${this.scrub(text)}\n`);
  }

  /** A warning to stderr. */
  warn(text: string): void {
    this.note(`${this.paint('yellow', 'warning:', true)} ${text}`);
  }

  /** A JSON document to stdout (pretty-printed, one trailing newline). */
  printJson(value: unknown): void {
    this.io.stdout.write(`${this.scrub(JSON.stringify(value, null, 2))}\n`);
  }

  /** Prints `value` as JSON with `--json`, otherwise calls `human`. */
  result(value: unknown, human: () => void): void {
    if (this.json) this.printJson(value);
    else human();
  }

  /** A plain column table (no borders), cut to the terminal width on a TTY. */
  table<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
    const cells = rows.map((row) => columns.map((c) => oneLine(c.value(row))));
    const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] as string).length)));
    const width = this.io.stdout.isTTY ? this.io.stdout.columns : undefined;
    if (width && width > 20) {
      const total = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1);
      const flex = columns.map((c) => c.flexible).lastIndexOf(true);
      if (total > width && flex >= 0) widths[flex] = Math.max(8, (widths[flex] as number) - (total - width));
    }
    const render = (values: string[], paint: (i: number, cell: string) => string) =>
      values
        .map((v, i) => {
          const w = widths[i] as number;
          const cut = v.length > w ? `${v.slice(0, Math.max(0, w - 1))}…` : v;
          const padded = i === values.length - 1 ? cut : cut.padEnd(w);
          return paint(i, padded);
        })
        .join('  ')
        .trimEnd();
    this.line(
      render(
        columns.map((c) => c.header),
        (_i, cell) => this.paint('bold', cell),
      ),
    );
    rows.forEach((row, r) => {
      this.line(render(cells[r] as string[], (i, cell) => this.paint(columns[i]?.colour?.(row), cell)));
    });
  }
}

function oneLine(text: string): string {
  return escapeControls(text.replace(/[\r\n\t]+/g, ' '), { keep: 'none' });
}

/** A short form of a process URN: `arkivmelding:administrasjon` for `urn:no:difi:profile:arkivmelding:administrasjon:ver1.0`. @internal */
export function shortProcess(process: string | undefined): string {
  if (!process) return '-';
  const m = /^urn:no:difi:profile:(.+?)(?::ver[\d.]+)?$/.exec(process);
  return m ? (m[1] as string) : process;
}

/**
 * One form for every time in a table: the local date-time with its offset, to the second
 * (`2026-08-20T09:31:02+02:00`), whatever form the IP used (`Z`, `+01:00`, fractions). Text that is not a date-time
 * is shown as it is. The local zone is the machine's (`TZ`).
 * @internal
 */
export function displayTime(value: string | undefined): string {
  if (value === undefined || value === '') return '-';
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) return value;
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}${zone}`;
}
