import {
  ApiError,
  BadRequestError,
  ConnectionError,
  ForbiddenError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  UnsupportedMediaTypeError,
} from 'eformidling';
import { describe, expect, it } from 'vitest';
import { path } from '../src/internal/path.js';
import { cleanServerText, redactHeaders, redactText, redactUrl } from '../src/internal/redact.js';
import { buildUserAgent } from '../src/transport/user-agent.js';

describe('ApiError.from', () => {
  it('picks the subclass by status, and keeps unknown 4xx as ApiError', () => {
    const make = (status: number) => ApiError.from({ status, method: 'GET', url: 'http://ip.test/api/x' });
    expect(make(403)).toBeInstanceOf(ForbiddenError);
    expect(make(415)).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(make(429)).toBeInstanceOf(RateLimitError);
    expect(make(503)).toBeInstanceOf(ServerError);
    const teapot = make(418);
    expect(teapot.constructor).toBe(ApiError);
    expect(teapot.message).toBe('GET /api/x failed with 418');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const headers = (value: string) => new Headers({ 'retry-after': value });
    expect(ApiError.from({ status: 429, method: 'GET', url: 'http://ip.test/', headers: headers('2') }).retryAfterMs).toBe(2000);
    const date = new Date(Date.now() + 60_000).toUTCString();
    const ms = ApiError.from({ status: 503, method: 'GET', url: 'http://ip.test/', headers: headers(date) }).retryAfterMs ?? 0;
    expect(ms).toBeGreaterThan(50_000);
    expect(ApiError.from({ status: 503, method: 'GET', url: 'http://ip.test/', headers: headers('soon') }).retryAfterMs).toBeUndefined();
  });

  it('gives a JSON form with what a support desk needs', () => {
    const error = ApiError.from({
      status: 400,
      method: 'POST',
      url: 'http://ip.test/api/messages/out?token=abc',
      body: {
        exception: 'no.difi.meldingsutveksling.exceptions.ServiceNotEnabledException',
        message: 'Service DPI is not enabled',
        path: '/api/messages/out',
      },
    });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.toJSON()).toEqual({
      name: 'BadRequestError',
      message: 'POST /api/messages/out?token=*** failed with 400 ServiceNotEnabledException: Service DPI is not enabled',
      status: 400,
      exception: 'ServiceNotEnabledException',
      method: 'POST',
      url: 'http://ip.test/api/messages/out?token=***',
      path: '/api/messages/out',
      errors: [],
      description: undefined,
    });
  });
});

describe('other errors', () => {
  it('ConnectionError and TimeoutError keep method and URL without credentials', () => {
    const error = new TimeoutError('GET /api/statuses timed out', {
      method: 'GET',
      url: 'http://ip.test/api/statuses?api_key=k',
      timeoutMs: 5,
    });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.toJSON()).toEqual({
      name: 'TimeoutError',
      message: 'GET /api/statuses timed out',
      method: 'GET',
      url: 'http://ip.test/api/statuses?api_key=***',
    });
    expect(new ConnectionError('down').url).toBeUndefined();
  });

  it('ResponseValidationError names the first field, and the root when the body is not an object', () => {
    const error = new ResponseValidationError({
      issues: [{ path: '', message: 'expected object' }],
      rawBody: 'x'.repeat(70_000),
      status: 200,
      method: 'GET',
      url: 'http://ip.test/api/x',
    });
    expect(error.message).toContain('(root): expected object');
    expect(error.rawBody).toHaveLength(65_536);
    expect(error.toJSON()).toMatchObject({
      name: 'ResponseValidationError',
      status: 200,
      issues: [{ path: '', message: 'expected object' }],
    });
    expect(new ResponseValidationError({ issues: [], rawBody: '', status: 200, method: 'GET', url: 'x' }).field).toBeUndefined();
  });

  it('RequestValidationError names the field', () => {
    const error = new RequestValidationError('files[1].filename', 'duplicate');
    expect(error.message).toBe('files[1].filename: duplicate');
    expect(error.toJSON()).toEqual({
      name: 'RequestValidationError',
      message: 'files[1].filename: duplicate',
      field: 'files[1].filename',
      issues: [{ path: 'files[1].filename', message: 'duplicate' }],
    });
  });
});

describe('redaction', () => {
  it('removes user info and secret query parameters from URLs', () => {
    expect(redactUrl('https://user:pw@ip.test:9093/api?access_token=t&page=1&password=x')).toBe(
      'https://***@ip.test:9093/api?access_token=***&page=1&password=***',
    );
  });

  it('removes authorization values from text, keeping the scheme', () => {
    expect(redactText('sent Authorization: Bearer eyJhbGciOi and authorization=Basic Zm9vOmJhcg==')).toBe(
      'sent Authorization: Bearer *** and authorization=Basic ***',
    );
    expect(redactText('proxy-authorization: token123')).toBe('proxy-authorization: ***');
  });

  it('removes a Basic or Bearer credential a server echoes back without the header name', () => {
    expect(redactText('Bad credentials for Basic ZmFnc3lzdGVtOmhlbW1lbGln')).toBe('Bad credentials for Basic ***');
    expect(redactText('token rejected: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig (expired)')).toBe('token rejected: Bearer *** (expired)');
    expect(redactText('BASIC dXNlcjpwYXNz; BEARER abcdefgh')).toBe('BASIC ***; BEARER ***');
    expect(redactText('got basic Zm9vOmJhcg== here')).toBe('got basic *** here');
    // Prose stays readable.
    for (const prose of [
      'Basic auth is on',
      'WWW-Authenticate: Basic realm="Realm"',
      'auth: basic needs username and password',
      'auth: bearer needs token or getToken()',
      'a Basic username cannot contain ":"',
      'use a Bearer token',
    ]) {
      expect(redactText(prose)).toBe(prose);
    }
  });

  it('cleans server text for a message: HTML becomes its title, control characters go, the length is capped', () => {
    expect(cleanServerText('<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>')).toBe(
      'HTML page: 404 Not Found: Not Found',
    );
    expect(cleanServerText('<html><body><p>Oops &amp; <b>bad</b></p><script>alert(1)</script></body></html>')).toBe(
      'HTML page: Oops & bad',
    );
    expect(cleanServerText('line1\r\n\u001b]0;pwned\u0007line2\u001b[2J')).toBe('line1 ]0;pwned line2 [2J');
    expect(cleanServerText('x'.repeat(500))).toBe(`${'x'.repeat(199)}…`);
    expect(cleanServerText('Bad credentials for Basic ZmFnc3lzdGVtOmhlbW1lbGln')).toBe('Bad credentials for Basic ***');
  });

  it('makes a loggable copy of headers', () => {
    const headers = new Headers({ authorization: 'Basic x', 'x-gravitee-api-key': 'k', 'content-type': 'application/json' });
    expect(redactHeaders(headers, ['X-Gravitee-Api-Key'])).toEqual({
      authorization: '***',
      'x-gravitee-api-key': '***',
      'content-type': 'application/json',
    });
    expect(redactHeaders(new Headers({ cookie: 'c' }))).toEqual({ cookie: '***' });
  });
});

describe('User-Agent and path parameters', () => {
  it('builds the User-Agent from a string, a name and version, or a name alone', () => {
    const own = buildUserAgent();
    expect(own).toMatch(/^eformidling\/\d+\.\d+\.\d+ \(Node\.js \d+\.\d+\.\d+; \w+ \w+\)$/);
    expect(buildUserAgent('  Acos Websak/1.1 ')).toBe(`Acos Websak/1.1 ${own}`);
    expect(buildUserAgent({ name: 'Sak' })).toBe(`Sak ${own}`);
    expect(buildUserAgent('')).toBe(own);
    expect(() => buildUserAgent('evil\r\nX-Injected: 1')).toThrow(RequestValidationError);
  });

  it('encodes every parameter and refuses dot segments', () => {
    expect(path`/api/conversations/${12}`).toBe('/api/conversations/12');
    expect(path`/a/${'x y#'}/b/${'æ'}`).toBe('/a/x%20y%23/b/%C3%A6');
    expect(() => path`/a/${''}`).toThrow(RequestValidationError);
    expect(() => path`/a/${'.'}`).toThrow(RequestValidationError);
  });
});
