import { TYPES_WITHOUT_FILES } from '../../models/business-messages.js';
import { toPartOrPrimaryIdentifier, toPrimaryIdentifier } from '../../models/identifiers.js';
import { type ArkivmeldingParseError, parseArkivmelding } from '../arkivmelding.js';
import { mimeTypeFromFilename } from '../http-parsing.js';
import { frameworkError, grouped, ipException, messageNotFound } from '../ip-error.js';
import type { SimulatedService } from '../network.js';
import { applyPrintDefaults, validatePrintAddresses } from '../print-address.js';
import type { StoredContent } from '../storage.js';
import type { Dispatch } from './carrier.js';
import type { MessageChange, ModelContext } from './context.js';
import { type Conversations, TTL_DESCRIPTION } from './conversations.js';
import { applyDefaults, beanValidate, checkShape, readBody } from './create-validation.js';
import { filterMessages } from './message-filter.js';
import { type Filter, type IpState, type MessageRecord, releaseFiles } from './records.js';
import type { Registry } from './registry.js';
import { conversationIdOf, expiryMs, expiryOf, header, isObject, orderSbd, processOf, senderOf } from './sbd.js';

/**
 * The outgoing part (`NextMoveMessageOutController`, `NextMoveMessageService`, `NextMoveValidator`): create,
 * upload, send and the multipart shortcut, reading and deleting outgoing messages. It owns `IpState.outgoing` until
 * the carrier takes a sent message ({@link Outgoing.take}).
 * @module
 */

/** Parsed PUT upload input. @internal */
export interface UploadInput {
  filename: string;
  title: string | undefined;
  mimeType: string;
  /** `Content-Length` of the request, or undefined (chunked: the size check is skipped, as on the IP). */
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/** A multipart file part. @internal */
export interface MultipartFile {
  title: string | undefined;
  filename: string;
  mimeType: string | undefined;
  data: Buffer;
}

/** `NextMoveMessageOutController`'s per-part limit of the multipart API. */
const MULTIPART_PART_LIMIT = 5 * 1024 * 1024;

function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes}b` : `${Math.floor(bytes / (1024 * 1024))}MB`;
}

/** @internal */
export class Outgoing {
  constructor(
    readonly ctx: ModelContext,
    readonly registry: Pick<Registry, 'lookup'>,
    readonly conversations: Pick<Conversations, 'open' | 'outgoing' | 'addStatus' | 'hasMessageId' | 'discardOutgoing'>,
    readonly carrier: Dispatch,
  ) {}

  /**
   * `POST /api/messages/out` (and the create stage of multipart): shape, bean validation, defaults, service
   * selection and the business checks of `NextMoveValidator.validate`, in that order (`NextMoveMessageService.createMessage`).
   */
  create(ip: IpState, input: unknown, mode: 'json' | 'multipart' = 'json'): MessageRecord {
    this.ctx.tick();
    const sbd = checkShape(input);
    readBody(sbd, mode);
    beanValidate(sbd, mode, () => this.ctx.now());
    applyDefaults(sbd, ip.orgnr, () => this.ctx.now(), this.ctx.options.defaultTtlHours);
    const h = header(sbd);
    const type = h.documentIdentification.type;
    const process = processOf(sbd);
    if (!process) throw frameworkError(500, 'no.difi.meldingsutveksling.nextmove.NextMoveRuntimeException', 'SBD missing process');
    const receiver = h.receiver?.[0]?.identifier?.value;
    const messageId = h.documentIdentification.instanceIdentifier as string;
    const business = sbd[type] as Record<string, unknown>;
    let service = 'UNKNOWN';
    if (receiver !== undefined) {
      const receiverId = toPrimaryIdentifier(receiver);
      const level = typeof business.sikkerhetsnivaa === 'number' ? business.sikkerhetsnivaa : undefined;
      const record = (this.registry.lookup(receiverId, process, level) ?? []).find((r) =>
        r.documentTypes.includes(h.documentIdentification.standard),
      );
      if (!record) {
        throw ipException('ReceiverDoesNotAcceptProcessException', `Receiver do not accept the document process ${process}`, {
          description: `Error looking up service record with document type '${h.documentIdentification.standard}' and parameters: SRParameter(identifier=${receiverId}, process=${process}, securityLevel=${level ?? 'null'}, print=true, infoOnly=false, conversationId=${conversationIdOf(sbd)})`,
        });
      }
      service = record.service;
      if (service === 'DPI' && type === 'print') applyPrintDefaults(business, true, record);
    } else if (type === 'print') {
      service = 'DPI';
      applyPrintDefaults(business, false, undefined);
    }
    if (type !== 'status' && (ip.outgoing.has(messageId) || this.conversations.hasMessageId(ip, messageId))) {
      throw ipException('MessageAlreadyExistsException', `Message with messageId = ${messageId} already exists`);
    }
    if (!ip.enabledServices.includes(service)) throw ipException('ServiceNotEnabledException', `Service ${service} is not enabled`);
    // NextMoveValidator.validatePrintBusinessMessage, after the defaults of NextMoveOutMessageFactory.
    if (type === 'print') validatePrintAddresses(business);
    if (!h.documentIdentification.standard.endsWith(`::${type}`)) {
      throw ipException(
        'MessageTypeDoesNotFitDocumentTypeException',
        `Message type ${type} does not match the document type ${h.documentIdentification.standard}`,
      );
    }
    const stored = orderSbd(sbd);
    const record: MessageRecord = {
      id: this.ctx.nextId(),
      messageId,
      conversationId: conversationIdOf(stored),
      sbd: stored,
      type,
      service,
      process,
      senderIdentifier: toPartOrPrimaryIdentifier(senderOf(sbd)),
      receiverIdentifier: receiver === undefined ? '' : toPrimaryIdentifier(receiver),
      files: [],
      lastUpdated: this.ctx.now(),
    };
    ip.outgoing.set(messageId, record);
    this.conversations.open(ip, stored, 'OUTGOING', service);
    this.#changed(ip, messageId, 'created');
    return record;
  }

  /** `PUT /api/messages/out/{messageId}` (`NextMoveMessageService.addFile`, `NextMoveValidator.validateFile`). */
  async upload(ip: IpState, messageId: string, input: UploadInput): Promise<void> {
    this.ctx.tick();
    const msg = ip.outgoing.get(messageId);
    if (!msg) throw messageNotFound(messageId);
    this.#checkFile(msg, input.filename, input.title, input.contentLength ?? 0, [input.filename]);
    const content = await this.ctx.store.write(input.body);
    // The message may have been deleted or transmitted while the body streamed in.
    if (ip.outgoing.get(messageId) !== msg) {
      this.ctx.store.release(content);
      throw messageNotFound(messageId);
    }
    if (msg.files.some((f) => f.filename === input.filename)) {
      this.ctx.store.release(content);
      throw ipException('DuplicateFilenameException', `Filename already exists in message: ${input.filename}.`);
    }
    await this.#addFile(ip, msg, { filename: input.filename, title: input.title, mimeType: input.mimeType, content });
  }

  /** Checks done before a file is stored: duplicates, size limit, titles. */
  #checkFile(msg: MessageRecord, filename: string, title: string | undefined, size: number, batch: string[]): void {
    const existing = msg.files.map((f) => f.filename);
    const duplicates = batch.filter((name) => existing.includes(name));
    if (duplicates.length) throw ipException('DuplicateFilenameException', `Filename already exists in message: ${duplicates.join(', ')}.`);
    // Every stored message has a known service (an unknown one fails create with ServiceNotEnabledException).
    const limit = this.ctx.options.uploadSizeLimits[msg.service as SimulatedService];
    const total = msg.files.reduce((sum, f) => sum + f.content.size, 0) + size;
    if (total > limit) {
      throw ipException(
        'MaxFileSizeExceededException',
        `The combined file size for all attachments (${formatSize(total)}) exceeds the maximum allowed upload size for the target service (${msg.service}, ${formatSize(limit)})`,
      );
    }
    const business = msg.sbd[msg.type] as Record<string, unknown>;
    const primary = filename === business.hoveddokument;
    if (!title) {
      if (msg.service === 'DPV') throw ipException('MissingFileTitleException', 'Title is required for the following capabilities: DPV');
      const metadata = isObject(business.metadataFiler) ? Object.values(business.metadataFiler) : [];
      if (msg.service === 'DPI' && !primary && !metadata.includes(filename)) {
        throw ipException('MissingFileTitleException', 'Title is required for the following capabilities: DPI');
      }
    }
    // A second primary document would need a second file named like the first: the duplicate check refuses it.
  }

  async #addFile(
    ip: IpState,
    msg: MessageRecord,
    file: { filename: string; title: string | undefined; mimeType: string; content: StoredContent },
  ): Promise<void> {
    const business = msg.sbd[msg.type] as Record<string, unknown>;
    if (file.filename === 'arkivmelding.xml') {
      const xml = await this.ctx.store.read(file.content);
      let facts: ReturnType<typeof parseArkivmelding>;
      try {
        facts = parseArkivmelding(xml);
      } catch (error) {
        this.ctx.store.release(file.content);
        // NextMoveMessageService.getArkivmelding: XML that does not unmarshal (JAXBException) is a
        // NextMoveRuntimeException; ArkivmeldingUtil refuses a document without saksmappe or journalpost.
        if ((error as ArkivmeldingParseError).unmarshal) {
          throw frameworkError(500, 'no.difi.meldingsutveksling.nextmove.NextMoveRuntimeException', 'Failed to get Arkivmelding');
        }
        throw frameworkError(
          500,
          'no.difi.meldingsutveksling.arkivmelding.ArkivmeldingRuntimeException',
          `Failed to unmarshal arkivmelding: ${(error as ArkivmeldingParseError).message}`,
        );
      }
      msg.referencedFiles = facts.referencedFiles;
      const conv = this.conversations.outgoing(ip, msg.messageId);
      if (conv) {
        if (facts.offentligTittel !== undefined) conv.messageTitle = facts.offentligTittel;
        if (facts.journalpostnummer !== undefined) conv.messageReference = `${facts.saksmappeSystemId}-${facts.journalpostnummer}`;
      }
    }
    const mimeType =
      !file.mimeType || /^application\/octet-stream/i.test(file.mimeType) ? mimeTypeFromFilename(file.filename) : file.mimeType;
    msg.files.push({
      dokumentnummer: msg.files.length + 1,
      filename: file.filename,
      title: file.title,
      mimeType,
      primary: file.filename === business.hoveddokument,
      content: file.content,
    });
    msg.lastUpdated = this.ctx.now();
    this.#changed(ip, msg.messageId, 'file');
  }

  /** `POST /api/messages/out/{messageId}` (`NextMoveMessageService.sendMessage`, `NextMoveValidator.validate`). */
  send(ip: IpState, messageId: string): void {
    this.ctx.tick();
    const msg = ip.outgoing.get(messageId);
    if (!msg) throw messageNotFound(messageId);
    const business = msg.sbd[msg.type] as Record<string, unknown>;
    const names = msg.files.map((f) => f.filename);
    if (msg.files.length === 0 && !TYPES_WITHOUT_FILES.includes(msg.type)) {
      throw ipException('MissingFileException', 'There must always be at least one attachment');
    }
    if (expiryMs(msg.sbd) < this.ctx.now()) {
      this.conversations.addStatus(ip, this.conversations.outgoing(ip, messageId), 'LEVETID_UTLOPT', { description: TTL_DESCRIPTION });
      throw ipException(
        'TimeToLiveException',
        `ExpectedResponseDateTime ${expiryOf(msg.sbd)} has been exceeded. Please resend the message`,
      );
    }
    if (msg.type === 'arkivmelding') {
      if (!names.includes('arkivmelding.xml')) {
        throw ipException('MissingArkivmeldingException', 'DPO message type requires arkivmelding.xml attachment');
      }
      const missing = (msg.referencedFiles as string[]).filter((name) => !names.includes(name));
      if (missing.length) {
        throw ipException(
          'MissingArkivmeldingFileException',
          `File(s) defined in arkivmelding, but not found in message: ${missing.join(',')}`,
        );
      }
    }
    if (msg.type === 'digital' && isObject(business.metadataFiler)) {
      const wanted = Object.entries(business.metadataFiler).flat().map(String);
      const missing = wanted.filter((name) => !names.includes(name));
      if (missing.length) throw ipException('FileNotFoundException', `File(s) named ${missing.join(', ')} was not found`);
    }
    if ((msg.service === 'DPI' || msg.type === 'dialogmelding') && !msg.files.some((f) => f.primary)) {
      throw ipException('MissingPrimaryDocumentException', 'Missing primary document');
    }
    if (msg.sendRequested) return;
    msg.sendRequested = true;
    this.carrier.enqueue({ kind: 'transmit', from: ip.orgnr, messageId, dueAt: this.ctx.now() + this.ctx.options.deliveryDelayMs });
    this.#changed(ip, messageId, 'queued');
  }

  /** `POST /api/messages/out/multipart` (`NextMoveMessageOutController.createAndSendMessage`). */
  async multipart(ip: IpState, sbdJson: unknown, files: MultipartFile[]): Promise<MessageRecord> {
    this.ctx.tick();
    const tooLarge = files.find((f) => f.data.byteLength > MULTIPART_PART_LIMIT);
    if (tooLarge) {
      throw ipException(
        'MultipartFileToLargeException',
        `The attachment named '${tooLarge.filename}' is too large. The maximum size for multipart requests is ${grouped(MULTIPART_PART_LIMIT)} bytes. Please use the non-multipart API to avoid such problems.`,
      );
    }
    const names = files.map((f) => f.filename);
    const dupes = names.filter((n) => names.filter((m) => m === n).length > 1);
    if (dupes.length) throw ipException('DuplicateFilenameException', `Filename already exists in message: ${dupes.join(', ')}.`);
    const msg = this.create(ip, sbdJson, 'multipart');
    try {
      for (const f of files) {
        this.#checkFile(msg, f.filename, f.title, f.data.byteLength, [f.filename]);
        const content = await this.ctx.store.fromBuffer(f.data);
        await this.#addFile(ip, msg, { filename: f.filename, title: f.title, mimeType: f.mimeType ?? '', content });
      }
    } catch (error) {
      // First transaction rolls back: nothing of the message remains.
      this.#remove(ip, msg);
      this.conversations.discardOutgoing(ip, msg.messageId);
      throw error;
    }
    // Second transaction: a failure here leaves the message stored (`createAndSendMessage` sends in a transaction of its own).
    this.send(ip, msg.messageId);
    return msg;
  }

  /** `DELETE /api/messages/out/{messageId}`: always succeeds. */
  delete(ip: IpState, messageId: string): void {
    this.ctx.tick();
    const msg = ip.outgoing.get(messageId);
    if (msg) this.#remove(ip, msg);
  }

  /** `GET /api/messages/out/{messageId}`. */
  get(ip: IpState, messageId: string): MessageRecord {
    this.ctx.tick();
    const msg = ip.outgoing.get(messageId);
    if (!msg) throw messageNotFound(messageId);
    return msg;
  }

  /** `GET /api/messages/out`: the queue matching exact-match filters. */
  list(ip: IpState, filter: Filter): MessageRecord[] {
    this.ctx.tick();
    return filterMessages(ip.outgoing.values(), 'out', filter);
  }

  /** The carrier takes a sent message off the queue (its files go with it); undefined when it was deleted meanwhile. */
  take(ip: IpState, messageId: string): MessageRecord | undefined {
    const msg = ip.outgoing.get(messageId);
    if (!msg) return undefined;
    ip.outgoing.delete(messageId);
    this.#changed(ip, messageId, 'transmitted');
    return msg;
  }

  #remove(ip: IpState, msg: MessageRecord): void {
    ip.outgoing.delete(msg.messageId);
    releaseFiles(this.ctx.store, msg.files);
    this.#changed(ip, msg.messageId, 'removed');
  }

  #changed(ip: IpState, messageId: string, change: MessageChange): void {
    this.ctx.events.emit({ type: 'message', ip, direction: 'out', messageId, change });
  }
}
