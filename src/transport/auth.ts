import { RequestValidationError } from '../errors.js';

/**
 * How the client authenticates to the IP (or to a gateway in front of it).
 * - `basic`: HTTP Basic, the IP v4 default.
 * - `bearer`: a fixed token, or `getToken()` called before every attempt (for rotating tokens).
 * - `apiKey`: a header such as Gravitee's `X-Gravitee-Api-Key`.
 * @category Client
 */
export type AuthOption =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'bearer'; getToken: () => string | Promise<string> }
  | { type: 'apiKey'; header: string; value: string };

/** Returns the header to add for this attempt, or undefined. @internal */
export async function authHeader(auth: AuthOption | undefined): Promise<[string, string] | undefined> {
  if (!auth) return undefined;
  switch (auth.type) {
    case 'basic':
      return ['authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`];
    case 'bearer': {
      const token = 'token' in auth ? auth.token : await auth.getToken();
      return ['authorization', `Bearer ${token}`];
    }
    case 'apiKey':
      return [auth.header.toLowerCase(), auth.value];
  }
}

/** Checks the option's shape up front so a typo fails at construction, not at the first request. @internal */
export function validateAuth(auth: AuthOption | undefined): void {
  if (auth === undefined) return;
  const a = auth as { type?: string } & Record<string, unknown>;
  if (typeof auth !== 'object' || auth === null) throw new RequestValidationError('auth', 'must be an object with a type');
  const fail = (why: string) => {
    throw new RequestValidationError('auth', why);
  };
  switch (a.type) {
    case 'basic':
      if (typeof a.username !== 'string' || typeof a.password !== 'string') fail('basic needs username and password');
      if ((a.username as string).includes(':')) fail('a Basic username cannot contain ":"');
      return;
    case 'bearer':
      if (typeof a.token !== 'string' && typeof a.getToken !== 'function') fail('bearer needs token or getToken()');
      return;
    case 'apiKey':
      if (typeof a.header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(a.header)) fail('apiKey needs a valid header name');
      if (typeof a.value !== 'string') fail('apiKey needs a value');
      return;
    default:
      fail(`unknown type '${String(a.type)}' (basic, bearer or apiKey)`);
  }
}
