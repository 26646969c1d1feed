/**
 * The send workflow: `ip.send()`, `ip.resumeSend()` and `ip.sendTo()`. It uses the resources only (through a
 * {@link SendContext} the client hands in), never the transport.
 * @module
 */
export { MULTIPART_PART_LIMIT, type SendProgress } from '../resources/multipart.js';
export {
  isReceiverNotCapableError,
  isSendError,
  ReceiverNotCapableError,
  SendError,
  type SendErrorInit,
  type SendStep,
} from './errors.js';
export {
  chooseStrategy,
  DEFAULT_ONE_STEP_MAX_BYTES,
  DEFAULT_OUTCOME_TIMEOUT_MS,
  type ResumeSendOptions,
  type SendContext,
  type SendInput,
  type SendOptions,
  type SendStrategy,
  type SendToOptions,
} from './options.js';
export { resumeSend, sendMessage } from './send-message.js';
export { sendTo } from './send-to.js';
