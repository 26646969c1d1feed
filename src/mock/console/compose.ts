import { z } from 'zod';
import {
  arkivmelding,
  arkivmeldingKvittering,
  arkivmeldingXml,
  avtalt,
  dialogmelding,
  digital,
  digitalDpv,
  einnsynKvittering,
  innsynskrav,
  print,
  publisering,
} from '../../messages/index.js';
import { PROCESSES } from '../../models/business-messages.js';
import type { StandardBusinessDocument } from '../../models/sbd.js';
import { multipartBoundary, parseMultipart } from '../http-parsing.js';
import type { MultipartFile } from '../model/index.js';
import { conversationsOf, steeringError } from './actions.js';
import { type ApiRoute, apiRoute, badRequest, ConsoleError, json, parseWith } from './http.js';
import type { ConsoleContext } from './network.js';

/**
 * `POST /console/api/compose`: a message from another participant, built with the SDK's own builders (or given as
 * a whole SBD) and sent through the model's `otherSide` part (docs/console-api.md, "Compose").
 * @internal
 * @module
 */

/** Largest compose request. */
const MAX_BYTES = 50 * 1024 * 1024;

type Builder = (params: Record<string, unknown>) => StandardBusinessDocument;
// The builders check their own parameters (RequestValidationError → 400); the casts only hand them over.
const as =
  <P>(build: (params: P) => StandardBusinessDocument): Builder =>
  (params) =>
    build(params as P);

/** Every type compose builds: its builder, default process, and whether it needs files. */
export const COMPOSE_TYPES = {
  arkivmelding: { build: as(arkivmelding), process: PROCESSES.arkivmelding.administrasjon, needsFiles: true },
  arkivmelding_kvittering: { build: as(arkivmeldingKvittering), process: PROCESSES.arkivmelding.response, needsFiles: false },
  avtalt: { build: as(avtalt), process: PROCESSES.avtalt.avtalt, needsFiles: false },
  digital: { build: as(digital), process: PROCESSES.digitalpost.info, needsFiles: true },
  digital_dpv: { build: as(digitalDpv), process: PROCESSES.digitalpost.info, needsFiles: true },
  print: { build: as(print), process: PROCESSES.digitalpost.info, needsFiles: true },
  innsynskrav: { build: as(innsynskrav), process: PROCESSES.einnsyn.innsynskrav, needsFiles: true },
  publisering: { build: as(publisering), process: PROCESSES.einnsyn.journalpost, needsFiles: true },
  einnsyn_kvittering: { build: as(einnsynKvittering), process: PROCESSES.einnsyn.response, needsFiles: false },
  dialogmelding: { build: as(dialogmelding), process: PROCESSES.helse.helse, needsFiles: true },
} satisfies Record<string, { build: Builder; process: string; needsFiles: boolean }>;

type ComposeType = keyof typeof COMPOSE_TYPES;

const FileSchema = z
  .object({
    filename: z.string().min(1).max(255),
    mimeType: z.string().min(1).optional(),
    title: z.string().optional(),
    base64: z.string().optional(),
    text: z.string().optional(),
  })
  .refine((f) => (f.base64 === undefined) !== (f.text === undefined), { message: 'give the content as base64 or as text' });

const ComposeSchema = z
  .object({
    from: z.string().min(1),
    to: z.string().min(1),
    type: z.enum(Object.keys(COMPOSE_TYPES) as [ComposeType, ...ComposeType[]]).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    sbd: z.record(z.string(), z.unknown()).nullable().optional(),
    files: z.array(FileSchema).optional(),
    deliverNow: z.boolean().optional(),
  })
  .refine((v) => (v.type === undefined) !== (v.sbd === undefined || v.sbd === null), { message: 'give a type (with params) or an sbd' });

type ComposeInput = z.infer<typeof ComposeSchema>;

async function readBody(request: Request): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = () => new ConsoleError(413, 'too_large', `a compose request may be at most ${MAX_BYTES} bytes`);
  if (declared > MAX_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of (request.body ?? []) as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > MAX_BYTES) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`${what} is not JSON: ${(error as SyntaxError).message}`);
  }
}

/** The request JSON and its files, from a JSON body (inline files) or a multipart one (file parts). */
async function readCompose(request: Request): Promise<{ input: ComposeInput; files: MultipartFile[] }> {
  const type = request.headers.get('content-type');
  const body = await readBody(request);
  const boundary = multipartBoundary(type);
  if (boundary === undefined) {
    const input = parseWith(ComposeSchema, parseJson(body.toString('utf8'), 'the body'));
    const files = (input.files ?? []).map((f) => ({
      filename: f.filename,
      title: f.title,
      mimeType: f.mimeType,
      data: f.base64 !== undefined ? Buffer.from(f.base64, 'base64') : Buffer.from(f.text as string, 'utf8'),
    }));
    return { input, files };
  }
  let parts: ReturnType<typeof parseMultipart>;
  try {
    parts = parseMultipart(body, boundary);
  } catch (error) {
    throw badRequest(`the multipart body is broken: ${(error as Error).message}`);
  }
  const message = parts.find((p) => p.name === 'message' && p.filename === undefined);
  if (!message) throw badRequest("the multipart body needs a part named 'message' with the JSON");
  const input = parseWith(ComposeSchema, parseJson(message.data.toString('utf8'), "the 'message' part"));
  const files = parts
    .filter((p) => p.filename !== undefined)
    .map((p) => ({
      filename: p.filename as string,
      title: p.name === undefined || p.name === 'file' ? undefined : p.name,
      mimeType: p.contentType,
      data: p.data,
    }));
  return { input, files };
}

/** The SBD to send: the given one, or the builder's with `from`/`to` (and a generated arkivmelding.xml). */
function buildSbd(input: ComposeInput, files: MultipartFile[], fromName: string): unknown {
  if (input.type === undefined) return input.sbd;
  const spec = COMPOSE_TYPES[input.type];
  const params: Record<string, unknown> = { ...input.params, sender: input.from, receiver: input.to };
  if (spec.needsFiles && files.length === 0) throw badRequest(`a ${input.type} needs at least one file`);
  if (input.type === 'arkivmelding') {
    const documents = files.filter((f) => f.filename !== 'arkivmelding.xml').map((f) => f.filename);
    if (documents.length === 0) throw badRequest('an arkivmelding needs at least one document besides arkivmelding.xml');
    params.hoveddokument ??= documents[0];
    if (!files.some((f) => f.filename === 'arkivmelding.xml')) {
      const tittel = typeof params.tittel === 'string' && params.tittel ? params.tittel : `Melding fra ${fromName}`;
      const xml = arkivmeldingXml({ tittel, files: documents });
      files.unshift({ filename: 'arkivmelding.xml', title: undefined, mimeType: 'application/xml', data: Buffer.from(xml) });
    }
  }
  return spec.build(params);
}

export function composeRoutes(context: ConsoleContext): ApiRoute[] {
  const model = context.simulator.model;
  return [
    apiRoute('GET', '/compose/types', () =>
      json({
        types: Object.entries(COMPOSE_TYPES).map(([type, spec]) => ({ type, defaultProcess: spec.process, needsFiles: spec.needsFiles })),
      }),
    ),
    apiRoute('POST', '/compose', async ({ request }) => {
      const { input, files } = await readCompose(request);
      const from = model.participants.get(input.from);
      if (!from) throw new ConsoleError(404, 'not_found', `${input.from} is no participant of this network`);
      let messageId: string;
      try {
        const sbd = buildSbd(input, files, from.name);
        messageId = await model.otherSide.compose(input.from, input.to, sbd, files, input.deliverNow ?? false);
      } catch (error) {
        throw steeringError(error, model.now());
      }
      return json({ messageId, messages: conversationsOf(context, messageId) }, 201);
    }),
  ];
}
