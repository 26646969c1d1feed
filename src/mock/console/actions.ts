import { z } from 'zod';
import { RequestValidationError } from '../../errors.js';
import { errorBody, IpError } from '../ip-error.js';
import { SteeringError } from '../model/index.js';
import { type ApiRoute, apiRoute, badRequest, ConsoleError, conflict, json, notFound, readJson } from './http.js';
import { resolveKey } from './messages.js';
import type { ConsoleContext } from './network.js';
import { type MessageSummary, queuesOf, summary } from './views.js';

/**
 * `POST /console/api/messages/{owner}/{direction}/{messageId}/{action}`: acting as the other side of a message
 * (deliver, read, fail, expire) through the model's `otherSide` part (docs/console-api.md, "Acting as the other side").
 * @internal
 * @module
 */

const Deliver = z.object({ acknowledge: z.boolean().optional() });
const Fail = z.object({ reason: z.string().min(1).max(2000).optional() });
const Empty = z.object({});

/** The console error for what the model or the simulated IP threw. */
export function steeringError(error: unknown, now: number): unknown {
  if (error instanceof SteeringError) return error.code === 'conflict' ? conflict(error.message) : notFound(error.message);
  if (error instanceof IpError) {
    return new ConsoleError(422, 'ip_refused', `the IP refused it: ${error.message}`, errorBody(error, '/api/messages/out/multipart', now));
  }
  if (error instanceof RequestValidationError) return badRequest(error.message);
  return error;
}

/** Every conversation of a message in the network, after an action. */
export function conversationsOf(context: ConsoleContext, messageId: string): MessageSummary[] {
  const model = context.simulator.model;
  return model.otherSide.sides(messageId).map(({ ip, conv }) => summary(ip.orgnr, conv, queuesOf(model, ip.orgnr), context.journal));
}

export function actionRoutes(context: ConsoleContext): ApiRoute[] {
  const other = context.simulator.model.otherSide;
  return [
    apiRoute('POST', '/messages/{owner}/{direction}/{messageId}/{action}', async ({ request, params }) => {
      const { summary: s } = resolveKey(context, params);
      const messageId = s.messageId;
      try {
        switch (params[3]) {
          case 'deliver':
            other.deliver(messageId, (await readJson(request, Deliver)).acknowledge ?? true);
            break;
          case 'read':
            await readJson(request, Empty);
            await other.read(messageId);
            break;
          case 'fail':
            other.fail(messageId, (await readJson(request, Fail)).reason ?? 'Failed from the simulator console');
            break;
          case 'expire':
            await readJson(request, Empty);
            other.expire(messageId);
            break;
          default:
            throw notFound(`no action ${params[3]} (deliver, read, fail, expire)`);
        }
      } catch (error) {
        throw steeringError(error, context.simulator.model.now());
      }
      return json({ messages: conversationsOf(context, messageId) });
    }),
  ];
}
