import { isApiError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { CliExit, CliUsageError, EXIT } from '../errors.js';
import { isNotAnIpAnswer } from '../report.js';

/** Parses `--security-level`. @internal */
export function securityLevel(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new CliUsageError(`--security-level must be 1, 2, 3 or 4, not '${String(value)}'`);
  return n;
}

/**
 * `eformidling capabilities <receiver>`: a table of process, service and document types. Exit 1 when the receiver is
 * unknown or has no capability (for the process).
 * @internal
 */
export async function capabilities(ctx: CommandContext, receiver: string, opts: Record<string, unknown>): Promise<number> {
  const level = securityLevel(opts.securityLevel);
  const ip = await ctx.client();
  const process = opts.process as string | undefined;
  let result: Awaited<ReturnType<typeof ip.capabilities.get>>;
  try {
    result = await ip.capabilities.get(receiver, { process, securityLevel: level, signal: ctx.signal });
  } catch (error) {
    // A 404 with the IP's error JSON (IdentifierNotFoundException): the registry does not know the receiver. Any
    // other 404 is about the URL, and is reported as such by the caller.
    if (isApiError(error) && error.status === 404 && !isNotAnIpAnswer(error)) {
      const out = ctx.out;
      if (out.json) out.printJson({ receiver, process, known: false, capabilities: [] });
      else out.note(`${receiver} is not known to the service registry${process ? ` for ${process}` : ''}`);
      throw new CliExit(EXIT.failure);
    }
    throw error;
  }
  const list = result.capabilities;
  const out = ctx.out;
  out.result({ receiver, process, known: true, capabilities: list }, () => {
    if (list.length === 0) {
      out.line(`${receiver} can take nothing${process ? ` for ${process}` : ''}`);
      return;
    }
    out.table(list, [
      { header: 'SERVICE', value: (c) => c.serviceIdentifier },
      { header: 'PROCESS', value: (c) => c.process },
      {
        header: 'DOCUMENT TYPES',
        value: (c) => c.documentTypes.map((d) => d.type ?? d.standard).join(', '),
        flexible: true,
      },
    ]);
    const dpi = list.find((c) => c.digitalPostAddress);
    if (dpi?.digitalPostAddress)
      out.line(`\nDigital mailbox: ${dpi.digitalPostAddress.address} (supplier ${dpi.digitalPostAddress.supplier})`);
  });
  return list.length > 0 ? EXIT.ok : EXIT.failure;
}
