import { isApiError } from '../../errors.js';
import type { Subscription } from '../../models/subscription.js';
import type { CommandContext } from '../context.js';
import { CliUsageError, EXIT } from '../errors.js';

/** `eformidling subscriptions list`. @internal */
export async function listSubscriptions(ctx: CommandContext): Promise<number> {
  const ip = await ctx.client();
  const list: Subscription[] = [];
  for await (const s of ip.subscriptions.list({ signal: ctx.signal, pageSize: 2000 })) {
    list.push(s);
    if (list.length >= 10_000) break;
  }
  const out = ctx.out;
  out.result(list, () => {
    if (list.length === 0) {
      out.line('no subscriptions');
      return;
    }
    out.table(list, [
      { header: 'ID', value: (s) => String(s.id) },
      { header: 'NAME', value: (s) => s.name },
      { header: 'RESOURCE', value: (s) => s.resource },
      { header: 'EVENT', value: (s) => s.event },
      { header: 'FILTER', value: (s) => s.filter ?? '' },
      { header: 'ENDPOINT', value: (s) => s.pushEndpoint, flexible: true },
    ]);
  });
  return EXIT.ok;
}

/** `eformidling subscriptions add --name --endpoint [--resource] [--event] [--filter] [--ensure]`. @internal */
export async function addSubscription(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const params = {
    name: String(opts.name),
    pushEndpoint: String(opts.endpoint),
    resource: opts.resource as 'all' | 'messages',
    event: opts.event as 'all' | 'status',
    ...(opts.filter !== undefined ? { filter: String(opts.filter) } : {}),
  };
  try {
    new URL(params.pushEndpoint);
  } catch {
    throw new CliUsageError(`--endpoint '${params.pushEndpoint}' is not a URL`);
  }
  const ip = await ctx.client();
  const created = opts.ensure
    ? await ip.subscriptions.ensureSubscription(params, { signal: ctx.signal })
    : await ip.subscriptions.create(params, { signal: ctx.signal });
  const out = ctx.out;
  out.result(created, () => {
    out.line(
      `${out.paint('green', opts.ensure ? 'subscription in place' : 'subscribed')}: id ${created.id}, ${created.name} → ${created.pushEndpoint}`,
    );
    out.line(`  ${created.resource}/${created.event}${created.filter ? `, filter ${created.filter}` : ''}`);
  });
  return EXIT.ok;
}

/** `eformidling subscriptions remove <ids...> | --all`. Exit 1 when an id is unknown (the others are still removed). @internal */
export async function removeSubscriptions(ctx: CommandContext, ids: readonly string[], opts: Record<string, unknown>): Promise<number> {
  if (opts.all && ids.length > 0) throw new CliUsageError('give subscription ids or --all, not both');
  if (!opts.all && ids.length === 0) throw new CliUsageError('give the ids of the subscriptions to remove (or --all)');
  const numbers = ids.map((id) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0) throw new CliUsageError(`'${id}' is not a subscription id`);
    return n;
  });
  const ip = await ctx.client();
  const out = ctx.out;
  if (opts.all) {
    await ip.subscriptions.deleteAll({ signal: ctx.signal });
    out.result({ removed: 'all' }, () => out.line('removed every subscription'));
    return EXIT.ok;
  }
  const removed: number[] = [];
  const notFound: number[] = [];
  for (const id of numbers) {
    try {
      await ip.subscriptions.delete(id, { signal: ctx.signal });
      removed.push(id);
    } catch (error) {
      if (isApiError(error) && error.status === 404) notFound.push(id);
      else throw error;
    }
  }
  out.result({ removed, notFound }, () => {
    if (removed.length) out.line(`removed ${removed.join(', ')}`);
    if (notFound.length) out.note(`no subscription with id ${notFound.join(', ')}`);
  });
  return notFound.length ? EXIT.failure : EXIT.ok;
}
