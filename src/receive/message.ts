import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { type AsicContainer, type AsicEntry, type AsicLimits, type ExtractedFile, type ExtractOptions, openAsic } from '../asic/index.js';
import { EformidlingError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic-write.js';
import { isReceiptType } from '../models/business-messages.js';
import {
  businessMessageOf,
  conversationIdOf,
  expiryOf,
  messageIdOf,
  processOf,
  receiverOf,
  type StandardBusinessDocument,
  senderOf,
  typeOf,
} from '../models/sbd.js';
import type { ServiceIdentifier } from '../models/status.js';
import type { SpooledAsic } from './download.js';

/**
 * The ASiC-E of a received message, already downloaded: kept in memory when small, otherwise in a temporary file
 * (removed when the message is done). Read it as often as you like while the handler runs.
 * @category Receiving
 */
export class ReceivedAsic {
  /** The container's size in bytes. */
  readonly size: number;
  readonly #source: SpooledAsic;
  readonly #limits: AsicLimits | undefined;
  #container: Promise<AsicContainer> | undefined;
  #disposed = false;

  /** @internal */
  constructor(source: SpooledAsic, limits?: AsicLimits) {
    this.#source = source;
    this.size = source.size;
    this.#limits = limits;
  }

  /** Path of the temporary copy, or `undefined` when the container is small enough to be kept in memory. */
  get path(): string | undefined {
    return this.#source.path;
  }

  /** A fresh stream of the container's bytes (the zip itself). */
  stream(): Readable {
    this.#assertLive();
    return this.#source.path ? createReadStream(this.#source.path) : Readable.from([this.#source.bytes as Buffer]);
  }

  /**
   * The container, opened and checked (see {@link openAsic}); opened once and shared, closed when the message is done.
   * @throws {@link AsicError} for a hostile or broken container.
   */
  open(): Promise<AsicContainer> {
    this.#assertLive();
    this.#container ??= openAsic(this.#source.path ?? (this.#source.bytes as Buffer), this.#limits ? { limits: this.#limits } : {});
    return this.#container;
  }

  /** The entries with names, sizes and MIME types. */
  async entries(): Promise<readonly AsicEntry[]> {
    return (await this.open()).entries;
  }

  /** The main document (`hoveddokument`), when there is one. */
  async mainDocument(): Promise<AsicEntry | undefined> {
    return (await this.open()).mainDocument;
  }

  /** Streams one entry's content, inflated and checked. */
  async openEntry(name: string | AsicEntry): Promise<Readable> {
    return (await this.open()).openEntry(name);
  }

  /**
   * Extracts the entries into a folder, safely (see {@link AsicContainer.extractTo}).
   * @param dir - The target folder; created if needed.
   * @example await message.asic?.saveTo(`./inbox/${message.messageId}`);
   */
  async saveTo(dir: string, options?: ExtractOptions): Promise<ExtractedFile[]> {
    return (await this.open()).extractTo(dir, options);
  }

  /** Copies the container (the zip itself) to a file, via a temporary name, flushed and renamed when complete. */
  async saveContainerTo(filePath: string): Promise<void> {
    this.#assertLive();
    await writeFileAtomic(filePath, this.#source.path ? createReadStream(this.#source.path) : (this.#source.bytes as Buffer));
  }

  /** Closes the container and removes the temporary copy. Called by the loop when the message is done. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const container = this.#container;
    if (container) await container.then((c) => c.close()).catch(() => {});
    if (this.#source.dir) await rm(this.#source.dir, { recursive: true, force: true });
  }

  #assertLive(): void {
    if (this.#disposed) throw new EformidlingError('the ASiC of this message was disposed (the message is done)');
  }
}

/**
 * A received message as the handler sees it.
 * @category Receiving
 */
export interface ReceivedMessage {
  /** The StandardBusinessDocument as peek returned it. */
  readonly sbd: StandardBusinessDocument;
  /** `documentIdentification.instanceIdentifier`. */
  readonly messageId: string;
  /** The ConversationId scope's `instanceIdentifier`. */
  readonly conversationId: string | undefined;
  /** The process URN, e.g. `urn:no:difi:profile:arkivmelding:administrasjon:ver1.0`. */
  readonly process: string | undefined;
  /**
   * The service (`DPO`, `DPE`…), when known: the filter's, else implied by the message type (innsynskrav → DPE,
   * dialogmelding → DPH, avtalt → DPO…), else looked up in the incoming conversation when
   * `resolveServiceIdentifier` is on; `undefined` when none of these tells (arkivmelding arrives over DPO, DPF or DPV).
   */
  readonly serviceIdentifier: ServiceIdentifier | undefined;
  /** Sender identifier as in the SBD, e.g. `0192:910077473`. */
  readonly sender: string | undefined;
  /** Receiver identifier as in the SBD, e.g. `0192:910075918`. */
  readonly receiver: string | undefined;
  /** The message (document) type, e.g. `arkivmelding` or `arkivmelding_kvittering`. */
  readonly type: string;
  /** The document standard, e.g. `urn:no:difi:arkivmelding:xsd::arkivmelding`. */
  readonly standard: string;
  /** The business message object (the SBD member named after the type). */
  readonly businessMessage: Record<string, unknown> | undefined;
  /** `expectedResponseDateTime`, when set. */
  readonly expiresAt: string | undefined;
  /** True for receipt types (`arkivmelding_kvittering`, `einnsyn_kvittering`, `dialogmelding_kvittering`). */
  readonly isReceipt: boolean;
  /** The downloaded ASiC-E; `null` when the IP has none (receipt types, pop answered 204). */
  readonly asic: ReceivedAsic | null;
  /** Which attempt this is (1 for the first delivery to a handler). */
  readonly attempt: number;
  /** When the IP's lock on the message runs out; delete must happen before. */
  readonly lockDeadline: Date;
  /** Aborted when the loop is aborted; hand it to long-running work. */
  readonly signal: AbortSignal;
}

const SERVICE_BY_TYPE: Record<string, ServiceIdentifier> = {
  avtalt: 'DPO',
  innsynskrav: 'DPE',
  publisering: 'DPE',
  einnsyn_kvittering: 'DPE',
  dialogmelding: 'DPH',
  dialogmelding_kvittering: 'DPH',
  digital: 'DPI',
  print: 'DPI',
  digital_dpv: 'DPV',
};

/** @internal */
export function inferServiceIdentifier(type: string, filterService: string | undefined): ServiceIdentifier | undefined {
  return filterService ?? SERVICE_BY_TYPE[type];
}

/** @internal */
export function toReceivedMessage(
  sbd: StandardBusinessDocument,
  init: {
    asic: ReceivedAsic | null;
    attempt: number;
    lockDeadline: Date;
    signal: AbortSignal;
    serviceIdentifier: ServiceIdentifier | undefined;
  },
): ReceivedMessage {
  const type = typeOf(sbd);
  return {
    sbd,
    messageId: messageIdOf(sbd) as string,
    conversationId: conversationIdOf(sbd),
    process: processOf(sbd),
    serviceIdentifier: init.serviceIdentifier,
    sender: senderOf(sbd),
    receiver: receiverOf(sbd),
    type,
    standard: sbd.standardBusinessDocumentHeader.documentIdentification.standard,
    businessMessage: businessMessageOf(sbd),
    expiresAt: expiryOf(sbd),
    isReceipt: isReceiptType(type),
    asic: init.asic,
    attempt: init.attempt,
    lockDeadline: init.lockDeadline,
    signal: init.signal,
  };
}
