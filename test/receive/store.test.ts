import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileProcessedStore, MemoryProcessedStore, type ProcessedRecord } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rec = (state: ProcessedRecord['state'], updatedAt = Date.now()): ProcessedRecord => ({ state, attempts: 0, updatedAt });

describe('MemoryProcessedStore', () => {
  it('keeps at most maxEntries, dropping the oldest', () => {
    const store = new MemoryProcessedStore({ maxEntries: 2 });
    store.set('a', rec('done'));
    store.set('b', rec('handled'));
    store.set('c', rec('failed'));
    expect(store.size).toBe(2);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('c')?.state).toBe('failed');
  });

  it('forgets done records after their time to live', () => {
    const store = new MemoryProcessedStore({ doneTtlMs: 1000 });
    store.set('old', rec('done', Date.now() - 5000));
    store.set('handled', rec('handled', Date.now() - 5000));
    expect(store.get('old')).toBeUndefined();
    expect(store.get('handled')?.state).toBe('handled');
  });
});

describe('JsonFileProcessedStore', () => {
  it('persists across instances (a restart) and writes atomically', async () => {
    const file = join(dir, 'nested', 'received.json');
    const a = new JsonFileProcessedStore(file);
    expect(await a.get('m1')).toBeUndefined();
    await Promise.all([a.set('m1', rec('handled')), a.set('m2', { ...rec('failed'), attempts: 2, lastError: 'boom' })]);
    const b = new JsonFileProcessedStore(file);
    expect(await b.get('m1')).toMatchObject({ state: 'handled' });
    expect(await b.get('m2')).toMatchObject({ state: 'failed', attempts: 2, lastError: 'boom' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1 });
    expect(await readdir(join(dir, 'nested'))).toEqual(['received.json']);
  });

  it('does not let callers mutate stored records', async () => {
    const store = new JsonFileProcessedStore(join(dir, 's.json'));
    await store.set('m', rec('failed'));
    const got = await store.get('m');
    if (got) got.attempts = 99;
    expect((await store.get('m'))?.attempts).toBe(0);
  });

  it('reports a corrupt file instead of starting empty (which could mean double handling)', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{"records": {"m1": ');
    await expect(new JsonFileProcessedStore(file).get('m1')).rejects.toThrow(SyntaxError);
  });
});
