/**
 * Route templates of the integrasjonspunkt's REST API (`/api/messages/out/{messageId}`), the low-cardinality name of
 * a request in spans, metrics and request-log lines: never the raw id. The table lists the routes of the IP's
 * controllers (`NextMoveMessageOutController`, `NextMoveMessageInController`, `ConversationController`,
 * `MessageStatusController`, `SubscriptionController`, `CapabilitiesController`) and Spring Boot's `/manage` endpoints.
 * @internal
 * @module
 */

const TEMPLATES: readonly string[] = [
  '/api/capabilities/{receiverIdentifier}',
  '/api/messages/out',
  '/api/messages/out/multipart',
  '/api/messages/out/{messageId}',
  '/api/messages/in',
  '/api/messages/in/peek',
  '/api/messages/in/pop/{messageId}',
  '/api/messages/in/{messageId}',
  '/api/conversations',
  '/api/conversations/queue',
  '/api/conversations/messageId/{messageId}',
  '/api/conversations/{id}',
  '/api/statuses',
  '/api/statuses/peek',
  '/api/statuses/{messageId}',
  '/api/subscriptions',
  '/api/subscriptions/{id}',
  '/manage/health',
  '/manage/health/liveness',
  '/manage/health/readiness',
  '/manage/info',
];

/** Templates by segment count; a literal segment beats a placeholder, as in Spring's path matching. */
const BY_LENGTH = new Map<number, string[][]>();
for (const template of TEMPLATES) {
  const segments = template.split('/');
  const list = BY_LENGTH.get(segments.length) ?? [];
  list.push(segments);
  BY_LENGTH.set(segments.length, list);
}
for (const list of BY_LENGTH.values()) list.sort((a, b) => placeholders(a) - placeholders(b));

function placeholders(segments: readonly string[]): number {
  return segments.filter((s) => s.startsWith('{')).length;
}

/**
 * The route template of a request path below the IP's base URL (query string ignored), or `undefined` for a path
 * the IP does not serve. `DELETE /api/statuses/{id}` takes a status id where `GET` takes a message id.
 * @internal
 */
export function routeTemplate(method: string, path: string): string | undefined {
  const q = path.indexOf('?');
  const segments = (q === -1 ? path : path.slice(0, q)).split('/');
  const candidates = BY_LENGTH.get(segments.length);
  if (!candidates) return undefined;
  for (const template of candidates) {
    if (template.every((s, i) => s === segments[i] || (s.startsWith('{') && segments[i] !== ''))) {
      const joined = template.join('/');
      return method === 'DELETE' && joined === '/api/statuses/{messageId}' ? '/api/statuses/{id}' : joined;
    }
  }
  return undefined;
}
