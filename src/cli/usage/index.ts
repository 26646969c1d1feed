/**
 * The commands of the `eformidling` CLI, in the order `--help` lists them. Each file declares one command (arguments,
 * options, help) and loads the command's code from src/cli/commands/ only when it runs, so `--help` and usage errors
 * never load the client, the ASiC reader, the simulator or the RabbitMQ connector.
 * @internal
 * @module
 */
import type { Command } from 'commander';
import { register as bridge } from './bridge.js';
import { register as capabilities } from './capabilities.js';
import { register as health } from './health.js';
import { register as inbox } from './inbox.js';
import { register as receive } from './receive.js';
import { register as send } from './send.js';
import type { Action } from './shared.js';
import { register as simulator } from './simulator.js';
import { register as status } from './status.js';
import { register as statuses } from './statuses.js';
import { register as subscriptions } from './subscriptions.js';

export type { Action, Run } from './shared.js';

/** @internal */
export const COMMANDS: readonly ((program: Command, action: Action) => void)[] = [
  health,
  capabilities,
  send,
  status,
  statuses,
  inbox,
  receive,
  subscriptions,
  simulator,
  bridge,
];
