import { NotFoundError, PROCESSES, RequestValidationError, ServerError } from 'eformidling';
import { DEPARTEMENT, KOMMUNE, PERSON } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';

const ctx = useSimulator();

describe('ip.capabilities.get', () => {
  it('lists what an organisation accepts, with the 0192: prefix stripped', async () => {
    const ip = ctx.client(KOMMUNE);
    const { capabilities } = await ip.capabilities.get(`0192:${DEPARTEMENT}`);
    const processes = capabilities.map((c) => c.process);
    expect(processes).toContain(PROCESSES.arkivmelding.administrasjon);
    const admin = capabilities.find((c) => c.process === PROCESSES.arkivmelding.administrasjon);
    expect(admin?.serviceIdentifier).toBe('DPO');
    expect(admin?.documentTypes).toContainEqual({ type: 'arkivmelding', standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding' });
  });

  it('limits the answer to one process', async () => {
    const { capabilities } = await ctx.client(KOMMUNE).capabilities.get(DEPARTEMENT, { process: PROCESSES.avtalt.avtalt });
    expect(capabilities.map((c) => c.process)).toEqual([PROCESSES.avtalt.avtalt]);
  });

  it('gives a person DPI capabilities with addresses', async () => {
    const { capabilities } = await ctx.client(KOMMUNE).capabilities.get(PERSON, { securityLevel: 4 });
    expect(capabilities.length).toBeGreaterThan(0);
    expect(capabilities.every((c) => c.serviceIdentifier === 'DPI')).toBe(true);
    expect(capabilities[0]?.postAddress?.name).toBeTruthy();
  });

  it('answers NotFoundError for a receiver the registry does not know', async () => {
    const error = await ctx
      .client(KOMMUNE)
      .capabilities.get('974760673')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).exception).toBe('IdentifierNotFoundException');
  });

  it('checks its arguments before sending anything, as a rejected promise (never a synchronous throw)', async () => {
    const ip = ctx.client(KOMMUNE);
    await expect(ip.capabilities.get('')).rejects.toThrow(RequestValidationError);
    await expect(ip.capabilities.get(DEPARTEMENT, { securityLevel: 7 })).rejects.toThrow(RequestValidationError);
  });

  it('maps an injected 500 and retries a 503', async () => {
    ctx.sim.faults.failNext({ method: 'GET', path: `/api/capabilities/${DEPARTEMENT}`, status: 500 });
    await expect(ctx.client(KOMMUNE).capabilities.get(DEPARTEMENT)).rejects.toBeInstanceOf(ServerError);
    ctx.sim.faults.failNext({ method: 'GET', path: `/api/capabilities/${DEPARTEMENT}`, status: 503, times: 2 });
    const ip = ctx.client(KOMMUNE, { retry: { retries: 2, minDelayMs: 1 } });
    await expect(ip.capabilities.get(DEPARTEMENT)).resolves.toHaveProperty('capabilities');
  });
});
