/**
 * ASiC-E reading: list entries with MIME types, find the main document and the signatures, stream or extract
 * entries, all with hostile-container checks.
 * @module
 */
export { AsicContainer } from './container.js';
export type { AsicEntry, AsicEntryKind } from './entries.js';
export { AsicError, type AsicErrorCode, isAsicError } from './errors.js';
export type { ExtractedFile, ExtractOptions } from './extract.js';
export { type AsicLimits, DEFAULT_ASIC_LIMITS } from './limits.js';
export type { NextMoveManifest } from './manifest.js';
export { type AsicSource, type OpenAsicOptions, openAsic } from './reader.js';
