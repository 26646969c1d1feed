import { isNotFoundError, RequestValidationError } from '../errors.js';
import type { Capability } from '../models/capabilities.js';
import { parseIdentifier, toPrimaryIdentifier } from '../models/identifiers.js';
import { businessMessageOf, processOf, type StandardBusinessDocument } from '../models/sbd.js';
import type { Upload } from '../uploads.js';
import { ReceiverNotCapableError } from './errors.js';
import { requestOptions, type SendContext, type SendToOptions } from './options.js';
import { sendTraced } from './send-message.js';
import { type SendTelemetry, traceSend } from './telemetry.js';
import { validateSend } from './validate.js';

const list = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : 'nothing');

/**
 * Sets the receiver, checks the receiver's capabilities for the message's process and document type, then sends.
 * @internal
 */
export function sendTo(
  ip: SendContext,
  receiver: string,
  message: StandardBusinessDocument,
  files: readonly Upload[] = [],
  options: SendToOptions = {},
): Promise<StandardBusinessDocument> {
  // One send span from the capabilities lookup to the IP's answer.
  return traceSend((telemetry) => checkAndSend(ip, receiver, message, files, options, telemetry));
}

async function checkAndSend(
  ip: SendContext,
  receiver: string,
  message: StandardBusinessDocument,
  files: readonly Upload[],
  options: SendToOptions,
  telemetry: SendTelemetry,
): Promise<StandardBusinessDocument> {
  if (typeof receiver !== 'string') throw new RequestValidationError('receiver', 'is required');
  if (!message?.standardBusinessDocumentHeader) throw new RequestValidationError('message', 'must be a StandardBusinessDocument');
  const parsed = parseIdentifier(receiver, 'receiver', ip.identifiers);
  const header = message.standardBusinessDocumentHeader;
  const existing = header.receiver?.[0]?.identifier.value;
  if (
    existing !== undefined &&
    parseIdentifier(existing, `standardBusinessDocumentHeader.receiver[0].identifier.value`).value !== parsed.value
  ) {
    throw new RequestValidationError('receiver', `the message is addressed to ${existing}, not ${parsed.value}`);
  }
  const sbd: StandardBusinessDocument = {
    ...message,
    standardBusinessDocumentHeader: { ...header, receiver: [{ identifier: { value: parsed.value, authority: parsed.authority } }] },
  };
  // Local checks first: no lookup for a message that would be refused anyway.
  await validateSend(sbd, files, { oneStep: false, identifiers: ip.identifiers });
  const process = processOf(sbd);
  const standard = sbd.standardBusinessDocumentHeader.documentIdentification.standard;
  const level = options.securityLevel ?? businessMessageOf<{ sikkerhetsnivaa?: unknown }>(sbd)?.sikkerhetsnivaa;
  let capabilities: readonly Capability[];
  try {
    ({ capabilities } = await ip.capabilities.get(toPrimaryIdentifier(parsed.value), {
      ...requestOptions(options),
      ...(typeof level === 'number' ? { securityLevel: level } : {}),
    }));
  } catch (error) {
    if (isNotFoundError(error)) {
      throw new ReceiverNotCapableError({
        receiver: parsed.value,
        process,
        standard,
        capabilities: [],
        reason: 'the service registry does not know it',
      });
    }
    throw error;
  }
  const forProcess = capabilities.filter((c) => c.process === process);
  if (forProcess.length === 0) {
    const known = [...new Set(capabilities.map((c) => c.process))];
    throw new ReceiverNotCapableError({
      receiver: parsed.value,
      process,
      standard,
      capabilities,
      reason: `it does not accept the process ${process} (it accepts: ${list(known)})`,
    });
  }
  if (!forProcess.some((c) => c.documentTypes.some((d) => d.standard === standard))) {
    const known = [...new Set(forProcess.flatMap((c) => c.documentTypes.map((d) => d.standard)))];
    throw new ReceiverNotCapableError({
      receiver: parsed.value,
      process,
      standard,
      capabilities,
      reason: `it does not accept the document type ${standard} in process ${process} (it accepts: ${list(known)})`,
    });
  }
  const matching = forProcess.filter((c) => c.documentTypes.some((d) => d.standard === standard));
  telemetry.service(matching.length === 1 ? matching[0]?.serviceIdentifier : undefined);
  const { securityLevel: _level, ...sendOptions } = options;
  return sendTraced(ip, { sbd, files }, sendOptions, telemetry);
}
