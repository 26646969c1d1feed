import { EformidlingError } from '../errors.js';
import { describe } from './amqp.js';

/** An unroutable notification while `unroutable: 'retry'`. @category RabbitMQ */
export class UnroutableNotificationError extends EformidlingError {
  constructor(
    readonly eventId: string,
    readonly routingKey: string,
  ) {
    super(`no queue is bound for routing key ${routingKey} (notification ${eventId}); will retry`);
  }
}

/** The broker could not be reached (refused, unknown host, TLS, no answer); the bridge keeps trying. @category RabbitMQ */
export class BrokerUnreachableError extends EformidlingError {
  constructor(
    readonly amqpUrl: string,
    options?: { cause?: unknown },
  ) {
    const cause = options?.cause === undefined ? '' : `: ${describe(options.cause)}`;
    super(`cannot reach the RabbitMQ broker at ${hostOf(amqpUrl)}${cause}`, options);
  }
}

function hostOf(amqpUrl: string): string {
  try {
    const url = new URL(amqpUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'the configured URL';
  }
}
