/**
 * ASiC-E reading: list entries with MIME types, find the main document and the signatures, stream or extract
 * entries, all with hostile-container checks.
 * @module
 */
export { AsicError, type AsicErrorCode, isAsicError } from './errors.js';
export type { NextMoveManifest } from './manifest.js';
export {
  AsicContainer,
  type AsicEntry,
  type AsicEntryKind,
  type AsicLimits,
  type AsicSource,
  DEFAULT_ASIC_LIMITS,
  type ExtractedFile,
  type ExtractOptions,
  type OpenAsicOptions,
  openAsic,
} from './reader.js';
