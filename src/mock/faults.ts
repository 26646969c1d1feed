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

interface ActiveRule {
  rule: FaultRule;
  left: number;
  matcher: RegExp;
}

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
  #rules: ActiveRule[] = [];

  failNext(rule: FaultRule): () => void {
    const active: ActiveRule = { rule, left: rule.times ?? 1, matcher: toMatcher(rule.path) };
    this.#rules.push(active);
    return () => {
      this.#rules = this.#rules.filter((r) => r !== active);
    };
  }

  clear(): void {
    this.#rules = [];
  }

  get pending(): readonly FaultRule[] {
    return this.#rules.map((r) => r.rule);
  }

  /** Finds and consumes the rule for a request. */
  take(org: string, method: string, path: string): FaultRule | undefined {
    const active = this.#rules.find(
      (r) =>
        r.left > 0 &&
        (r.rule.org === undefined || r.rule.org === org) &&
        (r.rule.method === undefined || r.rule.method === '*' || r.rule.method.toUpperCase() === method) &&
        r.matcher.test(path),
    );
    if (!active) return undefined;
    active.left--;
    if (active.left <= 0) this.#rules = this.#rules.filter((r) => r !== active);
    return active.rule;
  }
}
