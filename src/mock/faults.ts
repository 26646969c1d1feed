import { Listeners } from './listeners.js';

/**
 * Fault injection: make the next requests to a route misbehave, per organisation and route.
 * @module
 */

/**
 * One fault rule. The first matching rule with attempts left is used for a request and counts one down.
 * @example
 * ```ts
 * sim.faults.failNext({ method: 'GET', path: '/api/statuses', status: 503, times: 2, retryAfter: '1' });
 * sim.faults.failNext({ org: '910077473', method: 'POST', path: '/api/messages/out', lostResponse: true });
 * sim.faults.failNext({ path: '/api/messages/in/pop/*', slowBody: { delayMs: 5, chunkBytes: 1024 } });
 * ```
 * @category Simulator
 */
export interface FaultRule {
  /** Only requests to this organisation's IP. @defaultValue any */
  org?: string;
  /** HTTP method, or `'*'`. @defaultValue any */
  method?: string;
  /**
   * Path on the IP (without a server face's `/<orgnr>` prefix): exact, with `*` matching any characters and
   * `{name}` one path segment (`/api/messages/in/pop/{messageId}`), or a RegExp tested against the path.
   */
  path: string | RegExp;
  /** How many requests the rule applies to. @defaultValue 1 */
  times?: number;
  /** Answer with this status and the IP's error JSON instead of handling the request. */
  status?: number;
  /** Exception for the error JSON. @defaultValue a framework exception fitting the status */
  exception?: string;
  /** Message for the error JSON. */
  message?: string;
  /** `Retry-After` header value on the error answer. */
  retryAfter?: string;
  /** Drop the connection without an answer (msw: a network error; HTTP server: the socket is destroyed). */
  reset?: boolean;
  /** Wait this long (real time) before handling the request. */
  delayMs?: number;
  /** Handle the request, then stream the answer body in small chunks with a pause between them. */
  slowBody?: { delayMs: number; chunkBytes?: number };
  /** Handle the request, then answer its status with a body that is not valid JSON. */
  malformed?: boolean;
  /** Handle the request (it takes effect), then drop the connection: the client sees an error. */
  lostResponse?: boolean;
}

/** Fault injection controls. @category Simulator */
export interface Faults {
  /** Adds a rule; returns a function that removes it. */
  failNext(rule: FaultRule): () => void;
  /** Removes every rule. */
  clear(): void;
  /** Rules with attempts left. */
  readonly pending: readonly FaultRule[];
}

/** The main effect of a rule (a rule with only `delayMs` is a `delay`). @internal */
export type FaultKind = 'status' | 'reset' | 'delay' | 'slowBody' | 'malformed' | 'lostResponse';

/** The main effect of a rule, in the order {@link SimulatorCore} applies them. @internal */
export function faultKind(rule: FaultRule): FaultKind {
  if (rule.reset) return 'reset';
  if (rule.status !== undefined) return 'status';
  if (rule.lostResponse) return 'lostResponse';
  if (rule.malformed) return 'malformed';
  if (rule.slowBody) return 'slowBody';
  return 'delay';
}

/** A rule as the injector holds it. @internal */
export interface ActiveFault {
  readonly id: number;
  readonly rule: FaultRule;
  /** How many requests it applies to in all (Infinity: until removed). */
  times: number;
  /** Attempts left (Infinity: unlimited). */
  left: number;
  /** A disabled rule matches nothing until enabled again. */
  enabled: boolean;
  /** Added in code (`failNext`) or by the console. */
  readonly source: 'code' | 'console';
  /** Requests it applied to. */
  hits: number;
  readonly matcher: RegExp;
}

/** A change of the rules. @internal */
export type FaultEvent = { change: 'added' | 'changed' | 'removed'; fault: ActiveFault } | { change: 'cleared' };

/** Used-up rules kept for the console's list. */
const KEEP_USED_UP = 100;

function toMatcher(path: string | RegExp): RegExp {
  if (path instanceof RegExp) return path;
  const pattern = path
    .split(/(\{[^}]+\}|\*)/)
    .map((part) => (part === '*' ? '.*' : /^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

/** @internal */
export class FaultInjector implements Faults {
  /** Rule changes (not the hits: the request log carries those). */
  readonly events = new Listeners<FaultEvent>();
  #rules: ActiveFault[] = [];
  #nextId = 0;

  failNext(rule: FaultRule): () => void {
    const active = this.add(rule, 'code');
    return () => {
      this.remove(active.id);
    };
  }

  /** Adds a rule; `times` left out of the rule means once for code and unlimited for the console. */
  add(rule: FaultRule, source: 'code' | 'console', enabled = true): ActiveFault {
    const times = rule.times ?? (source === 'code' ? 1 : Number.POSITIVE_INFINITY);
    const active: ActiveFault = { id: ++this.#nextId, rule, times, left: times, enabled, source, hits: 0, matcher: toMatcher(rule.path) };
    this.#rules.push(active);
    this.events.emit({ change: 'added', fault: active });
    return active;
  }

  /** Enables or disables a rule, or gives it a new number of attempts; undefined for an unknown id. */
  update(id: number, change: { enabled?: boolean; times?: number }): ActiveFault | undefined {
    const active = this.#rules.find((r) => r.id === id);
    if (!active) return undefined;
    if (change.enabled !== undefined) active.enabled = change.enabled;
    if (change.times !== undefined) {
      active.times = change.times;
      active.left = change.times;
    }
    this.events.emit({ change: 'changed', fault: active });
    return active;
  }

  /** Removes a rule; false for an unknown id. */
  remove(id: number): boolean {
    const active = this.#rules.find((r) => r.id === id);
    if (!active) return false;
    this.#rules = this.#rules.filter((r) => r !== active);
    this.events.emit({ change: 'removed', fault: active });
    return true;
  }

  clear(): void {
    this.#rules = [];
    this.events.emit({ change: 'cleared' });
  }

  get pending(): readonly FaultRule[] {
    return this.#rules.filter((r) => r.left > 0).map((r) => r.rule);
  }

  /** Every rule, oldest first, with the used-up ones (the last {@link KEEP_USED_UP}). */
  get rules(): readonly ActiveFault[] {
    return this.#rules;
  }

  /** Finds and consumes the rule for a request. */
  take(org: string, method: string, path: string): ActiveFault | undefined {
    const active = this.#rules.find(
      (r) =>
        r.enabled &&
        r.left > 0 &&
        (r.rule.org === undefined || r.rule.org === org) &&
        (r.rule.method === undefined || r.rule.method === '*' || r.rule.method.toUpperCase() === method) &&
        r.matcher.test(path),
    );
    if (!active) return undefined;
    active.left--;
    active.hits++;
    const usedUp = this.#rules.filter((r) => r.left <= 0);
    if (usedUp.length > KEEP_USED_UP) {
      const drop = new Set(usedUp.slice(0, usedUp.length - KEEP_USED_UP));
      this.#rules = this.#rules.filter((r) => !drop.has(r));
    }
    return active;
  }
}
