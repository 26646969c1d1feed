import { arkivmelding, isReceiverNotCapableError, PROCESSES, type ReceiverNotCapableError, ServerError, STANDARDS } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { dpoFiles, RECEIVER } from './fixtures.js';
import { useFakeIpServer } from './harness.js';

const { serve } = useFakeIpServer();

const DPO = {
  process: PROCESSES.arkivmelding.administrasjon,
  serviceIdentifier: 'DPO',
  documentTypes: [{ type: 'arkivmelding', standard: STANDARDS.arkivmelding }],
};
const CAPABILITIES = /^\/api\/capabilities\//;

function setup(capabilities: unknown[] = [DPO]) {
  return serve({ capabilities }, { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } });
}

async function notCapable(p: Promise<unknown>): Promise<ReceiverNotCapableError> {
  const error = await p.catch((e: unknown) => e);
  expect(isReceiverNotCapableError(error)).toBe(true);
  return error as ReceiverNotCapableError;
}

describe('sendTo', () => {
  it("looks capabilities up at the message's security level, then sends to the receiver given", async () => {
    const { ip, client } = setup();
    const message = arkivmelding({ hoveddokument: 'vedtak.pdf', securityLevel: 4 });
    const stored = await client.sendTo(`0192:${RECEIVER}`, message, dpoFiles());
    expect(stored.standardBusinessDocumentHeader.receiver).toEqual([
      { identifier: { value: `0192:${RECEIVER}`, authority: 'iso6523-actorid-upis' } },
    ]);
    const lookup = ip.requests[0];
    expect(`${lookup?.path}${lookup?.search}`).toBe(`/api/capabilities/${RECEIVER}?securityLevel=4`);
    expect(ip.lines().slice(1)).toEqual(['POST /api/messages/out/multipart']);
  });

  it('an explicit securityLevel option wins; without any level none is sent', async () => {
    const { ip, client } = setup();
    await client.sendTo(RECEIVER, arkivmelding({ hoveddokument: 'vedtak.pdf', securityLevel: 4 }), dpoFiles(), { securityLevel: 3 });
    await client.sendTo(RECEIVER, arkivmelding({ hoveddokument: 'vedtak.pdf' }), dpoFiles());
    const lookups = ip.requests.filter((c) => CAPABILITIES.test(c.path)).map((c) => c.search);
    expect(lookups).toEqual(['?securityLevel=3', '']);
  });

  it('a receiver the service registry does not know (404) is not capable; nothing is created', async () => {
    const { ip, client } = setup();
    ip.on('GET', CAPABILITIES, (c) => ip.error(404, 'ServiceRegistryLookupException', 'not found', c.path));
    const error = await notCapable(client.sendTo(RECEIVER, arkivmelding({ hoveddokument: 'vedtak.pdf' }), dpoFiles()));
    expect(error).toMatchObject({ receiver: `0192:${RECEIVER}`, process: PROCESSES.arkivmelding.administrasjon, capabilities: [] });
    expect(error.message).toContain('the service registry does not know it');
    expect(ip.lines()).toEqual([`GET /api/capabilities/${RECEIVER}`]);
  });

  it('other lookup failures are passed on as they are', async () => {
    const { ip, client } = setup();
    ip.on('GET', CAPABILITIES, (c) => ip.error(500, 'NextMoveRuntimeException', 'boom', c.path));
    const error = await client.sendTo(RECEIVER, arkivmelding({ hoveddokument: 'vedtak.pdf' }), dpoFiles()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(ip.lines().every((l) => CAPABILITIES.test(l.split(' ')[1] as string))).toBe(true);
  });

  it("says 'nothing' when the receiver accepts no process at all", async () => {
    const { client } = setup([]);
    const error = await notCapable(client.sendTo(RECEIVER, arkivmelding({ hoveddokument: 'vedtak.pdf' }), dpoFiles()));
    expect(error.message).toContain('(it accepts: nothing)');
    expect(error.toJSON()).toMatchObject({
      name: 'ReceiverNotCapableError',
      receiver: `0192:${RECEIVER}`,
      standard: STANDARDS.arkivmelding,
    });
  });

  it('refuses a receiver that is not a string and a message that is not an SBD, before any request', async () => {
    const { ip, client } = setup();
    await expect(client.sendTo(undefined as never, arkivmelding({}))).rejects.toMatchObject({ field: 'receiver' });
    await expect(client.sendTo(RECEIVER, {} as never)).rejects.toMatchObject({ field: 'message' });
    await expect(client.sendTo(RECEIVER, undefined as never)).rejects.toMatchObject({ field: 'message' });
    expect(ip.requests).toEqual([]);
  });
});
