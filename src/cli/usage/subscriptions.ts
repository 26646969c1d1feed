import { type Command, Option } from 'commander';
import { type Action, examples } from './shared.js';

/** `eformidling subscriptions list|add|remove`: webhook subscriptions. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  const subscriptions = program
    .command('subscriptions')
    .description('webhook subscriptions: list, add, remove')
    .addHelpText(
      'after',
      examples('eformidling subscriptions list', 'eformidling subscriptions add --name sak --endpoint https://sak.example/hooks'),
    );
  subscriptions
    .command('list')
    .description('list the subscriptions')
    .addHelpText('after', examples('eformidling subscriptions list --json'))
    .action(
      action('subscriptions list', async (ctx) => {
        const { listSubscriptions } = await import('../commands/subscriptions.js');
        return listSubscriptions(ctx);
      }),
    );
  subscriptions
    .command('add')
    .description('create a subscription (the IP pings the endpoint first)')
    .requiredOption('--name <name>', 'a label')
    .requiredOption('--endpoint <url>', 'where the IP POSTs events')
    .addOption(new Option('--resource <resource>', 'which resource').choices(['all', 'messages']).default('messages'))
    .addOption(new Option('--event <event>', 'which event').choices(['all', 'status']).default('status'))
    .option('--filter <filter>', 'e.g. status=FEIL,LEVETID_UTLOPT&direction=OUTGOING')
    .option('--ensure', 'create it, or bring an existing one with the same name and endpoint up to date')
    .addHelpText(
      'after',
      examples(
        'eformidling subscriptions add --name sak-feil --endpoint https://sak.example/hooks --filter "status=FEIL,LEVETID_UTLOPT&direction=OUTGOING"',
        'eformidling subscriptions add --name sak --endpoint https://sak.example/hooks --ensure',
      ),
    )
    .action(
      action('subscriptions add', async (ctx, _args, opts) => {
        const { addSubscription } = await import('../commands/subscriptions.js');
        return addSubscription(ctx, opts);
      }),
    );
  subscriptions
    .command('remove')
    .description('delete subscriptions by id (or all with --all)')
    .argument('[ids...]', 'subscription ids')
    .option('--all', 'delete every subscription')
    .addHelpText('after', examples('eformidling subscriptions remove 57', 'eformidling subscriptions remove --all'))
    .action(
      action('subscriptions remove', async (ctx, args, opts) => {
        const { removeSubscriptions } = await import('../commands/subscriptions.js');
        return removeSubscriptions(ctx, (args[0] as string[]) ?? [], opts);
      }),
    );
}
