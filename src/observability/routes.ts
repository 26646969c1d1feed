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

// Every template has at most one placeholder, and it is the last segment: a path is looked up as it is (a literal
// route wins, as in Spring's path matching), then by its parent with a placeholder.
const LITERAL = new Map<string, string>();
const BY_PARENT = new Map<string, string>();
for (const template of TEMPLATES) {
  const cut = template.lastIndexOf('/');
  if (template.endsWith('}')) BY_PARENT.set(template.slice(0, cut), template);
  else LITERAL.set(template, template);
}

/**
 * The route template of a request path below the IP's base URL (query string ignored), or `undefined` for a path
 * the IP does not serve. `DELETE /api/statuses/{id}` takes a status id where `GET` takes a message id.
 * @internal
 */
export function routeTemplate(method: string, path: string): string | undefined {
  const q = path.indexOf('?');
  const bare = q === -1 ? path : path.slice(0, q);
  const literal = LITERAL.get(bare);
  if (literal !== undefined) return literal;
  const cut = bare.lastIndexOf('/');
  if (cut === bare.length - 1) return undefined;
  const template = BY_PARENT.get(bare.slice(0, cut));
  return method === 'DELETE' && template === '/api/statuses/{messageId}' ? '/api/statuses/{id}' : template;
}
