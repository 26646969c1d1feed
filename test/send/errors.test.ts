import { BadRequestError, isReceiverNotCapableError, isSendError, ReceiverNotCapableError, SendError } from 'eformidling';
import { describe, expect, it } from 'vitest';

const ID = '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90';

describe('SendError', () => {
  it('words the step, the cause and what happened to the message', () => {
    expect(new SendError({ step: 'create', messageId: ID, cause: new Error('socket hang up') }).message).toBe(
      `Sending message ${ID} failed at create: socket hang up.`,
    );
    expect(new SendError({ step: 'upload', messageId: ID, cause: 'disk full', filename: 'a.pdf', cleanedUp: true }).message).toBe(
      `Sending message ${ID} failed at upload of 'a.pdf': disk full. The message was deleted from the IP.`,
    );
    expect(new SendError({ step: 'send', messageId: ID, cause: 42, kept: true }).message).toContain('finish it with ip.resumeSend()');
    expect(new SendError({ step: 'one-step', messageId: ID, cause: null, uncertain: true }).message).toMatch(
      /failed at one-step send: null\. The outcome is unknown/,
    );
  });

  it('carries the status and exception of an IP error, and serialises without the cause', () => {
    const cause = new BadRequestError({
      status: 400,
      method: 'POST',
      url: `http://ip.test/api/messages/out/${ID}`,
      body: { status: 400, exception: 'no.difi.meldingsutveksling.exceptions.TimeToLiveException', message: 'expired' },
    });
    const error = new SendError({ step: 'send', messageId: ID, cause });
    expect(error.cause).toBe(cause);
    expect(error).toMatchObject({ status: 400, exception: 'TimeToLiveException' });
    expect(error.toJSON()).toEqual({
      name: 'SendError',
      message: error.message,
      step: 'send',
      messageId: ID,
      filename: undefined,
      cleanedUp: false,
      kept: false,
      uncertain: false,
      status: 400,
      exception: 'TimeToLiveException',
    });
  });
});

describe('type guards', () => {
  it('recognise errors from another copy of the package by name (and step), nothing else', () => {
    const foreign = Object.assign(new Error('x'), { name: 'SendError', step: 'send' });
    expect(isSendError(new SendError({ step: 'send', messageId: ID, cause: 'x' }))).toBe(true);
    expect(isSendError(foreign)).toBe(true);
    expect(isSendError(Object.assign(new Error('x'), { name: 'SendError' }))).toBe(false);
    expect(isSendError(new Error('x'))).toBe(false);
    expect(isSendError({ name: 'SendError', step: 'send' })).toBe(false);

    const init = { receiver: '0192:910075918', process: 'p', standard: 's', capabilities: [], reason: 'no' };
    expect(isReceiverNotCapableError(new ReceiverNotCapableError(init))).toBe(true);
    expect(isReceiverNotCapableError(Object.assign(new Error('x'), { name: 'ReceiverNotCapableError' }))).toBe(true);
    expect(isReceiverNotCapableError(new Error('x'))).toBe(false);
    expect(isReceiverNotCapableError('ReceiverNotCapableError')).toBe(false);
  });
});
