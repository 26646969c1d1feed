/**
 * Message builders: typed factories that produce a complete StandardBusinessDocument (SBD) for every business
 * message type a client can send (the IP's `BusinessMessageType`), with `standard`, `type`, `typeVersion` and the default process
 * taken from `STANDARDS` and `PROCESSES`, fresh UUIDs and `creationDateAndTime`.
 * @module
 */
export * from './arkivmelding.js';
export { type ArkivmeldingXmlParams, arkivmeldingXml } from './arkivmelding-xml.js';
export * from './digital-post.js';
export * from './einnsyn.js';
export { buildMessage, DEFAULT_TYPE_VERSION, type MessageHeaderParams } from './header.js';
export * from './helse.js';
