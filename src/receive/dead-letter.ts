import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic } from '../internal/atomic-write.js';
import { type StandardBusinessDocument, typeOf } from '../models/sbd.js';
import type { ReceivedAsic } from './message.js';

/**
 * Saves a message's SBD (`sbd.json`), ASiC-E (`asic.zip`) and the failure (`failure.json`) under
 * `root/<messageId>/`, written to a temporary folder and renamed into place when complete.
 * @internal
 */
export async function writeDeadLetter(
  root: string,
  sbd: StandardBusinessDocument,
  messageId: string,
  asic: ReceivedAsic | null,
  failure: { attempts: number; lastError: string | undefined },
): Promise<string> {
  await mkdir(root, { recursive: true });
  const name = messageId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  const dir = join(root, name);
  const failureJson = {
    messageId,
    type: typeOf(sbd),
    attempts: failure.attempts,
    lastError: failure.lastError,
    at: new Date().toISOString(),
  };
  await writeDirAtomic(
    dir,
    async (temp) => {
      await writeFile(join(temp, 'sbd.json'), `${JSON.stringify(sbd, null, 2)}\n`);
      if (asic) await asic.saveContainerTo(join(temp, 'asic.zip'));
      await writeFile(join(temp, 'failure.json'), `${JSON.stringify(failureJson, null, 2)}\n`);
    },
    { replace: true, tempPath: join(root, `.${name}.${randomUUID()}.tmp`) },
  );
  return dir;
}
