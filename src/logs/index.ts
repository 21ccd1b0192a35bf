/**
 * Log readers: every common shape of Windows/Sysmon events → the canonical event (event.ts).
 *
 *   for await (const ev of readEvents('logs/sysmon.evtx', { onError: (e) => console.error(formatReadError(e)) })) …
 *
 * Formats and detection: detect.ts. Field typing table: fields.ts. Per-shape JSON mapping:
 * json.ts. Writers (fixtures, corpora): write.ts and evtx-write.ts.
 */
export type { CanonicalEvent, EventSource, FieldValue } from './event.js';
export {
  readEvents, readEventBatches, readAllEvents, newReadStats, formatReadError, ReadFailure,
  type ReadError, type ReadOptions, type ReadStats, type ReadProgress,
} from './read.js';
export { detectFormat, detectFormatFromBytes, isLogFormat, LOG_FORMATS, type LogFormat, type DetectedFormat } from './detect.js';
export { parseEventXml, parseXmlTree, XmlError } from './xml.js';
export { normalizeJsonRecord, detectJsonShape, expandJsonValue, type JsonShape, type NormalizedRecord } from './json.js';
export { typeField, parseTimestamp, eventTime, NUMBER_FIELDS, BOOLEAN_FIELDS, newFields } from './fields.js';
export { parseChunk, evtxItems, EvtxSplitter } from './evtx.js';
export { writeEvtx, EvtxStreamWriter } from './evtx-write.js';
export {
  toEventXml, toEventViewerText, toEcs, toNxlog, toEvtxDump, toSplunk, toSentinel, toSentinelEvent,
  writeEventsText, toCsv, SYSTEM_FIELD_NAMES, type WriteFormat,
} from './write.js';
