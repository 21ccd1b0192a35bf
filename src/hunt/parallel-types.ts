/**
 * Messages between parallel hunting's main thread (parallel.ts) and its workers (worker.ts), and
 * what both must compute alike (the correlation fields of a match, an EVTX event's place).
 * Results are columns of numbers and one flat list of values, not an object per event: the
 * structured clone of a million small objects cost more than the matching it saved.
 */
import type { CompileOptions } from '../engine/index.js';
import type { Rule } from '../ir/types.js';
import type { CanonicalEvent, FieldValue } from '../logs/event.js';
import { chunkItems, EVTX_CHUNK_SIZE } from '../logs/evtx.js';
import { evtxItem, type ReadError } from '../logs/read.js';
import type { JsonShape } from '../logs/json.js';

export interface WorkerInit {
  readonly rules: readonly Rule[];
  readonly compile: CompileOptions;
}

/**
 * Bytes [start, end) of a file, read by the worker itself. `lines`: whole JSON lines (`start` is
 * 0 or just after a newline), numbered from the chunk's start (line 1). `evtx`: whole EVTX
 * chunks from chunk number `firstChunk` (a shorter last one is the file's truncated end).
 */
export interface ChunkTask {
  readonly seq: number;
  readonly kind: 'lines' | 'evtx';
  readonly file: string;
  readonly shape: JsonShape | undefined;
  readonly start: number;
  readonly end: number;
  readonly firstChunk: number;
}

/**
 * Per chunk: counts, errors, and the events that matched at least one rule, as columns. Event i
 * matched the rules `hits[hitEnd[i-1] .. hitEnd[i])` (indices in `rs.detections`, in match
 * order); it is on chunk line `line[i]` (EVTX: it is record `line[i]`, the `loc[i]`-th event of
 * its EVTX chunk as chunk · 65536 + n), at time `time[i]` (NaN: none). When one of its rules is
 * an alert (`whole[i] >= 0`), `wholeFields[whole[i]]` holds every field; otherwise its values
 * for `fieldsFor` its rules (in that order) are next in `code`.
 */
export interface ChunkResult {
  readonly seq: number;
  events: number;
  skipped: number;
  /** Records seen (error record numbers count from the chunk's start). */
  records: number;
  /** Newlines in the chunk: the next chunk's first line is this many lines later. */
  lines: number;
  /** `after`: matched events before the error; `events`, `skipped`: events read before it. */
  readonly errors: Array<{ line?: number; record?: number; message: string; after: number; events: number; skipped: number }>;
  count: number;
  line: Float64Array;
  loc: Float64Array;
  time: Float64Array;
  hitEnd: Int32Array;
  hits: Int32Array;
  whole: Int32Array;
  readonly wholeFields: Array<Record<string, FieldValue>>;
  /**
   * The correlation values, one code per field: a string as its index in `strings` (>= 0; a
   * chunk repeats a few computers and images, sent once each), a number as NUMBER (the next
   * one in `num`), or ABSENT, NULL, TRUE, FALSE. Typed arrays: no per-value heap objects.
   */
  code: Int32Array;
  num: Float64Array;
  readonly strings: string[];
  /** The chunk could not be read (I/O): what was read before is in the result. */
  ioError?: string;
  /** A worker bug (never content): the message and stack. */
  failure?: string;
}

/** The correlation fields an event matched by `hits` carries (both sides compute the same list). */
export function fieldsFor(need: readonly (readonly string[])[], hits: ArrayLike<number>): readonly string[] {
  if (hits.length === 1) return need[hits[0]!]!;
  const out = new Set<string>();
  for (let i = 0; i < hits.length; i++) for (const f of need[hits[i]!]!) out.add(f);
  return [...out];
}

/** Value codes of `ChunkResult.code` below 0 (0 and above index `strings`). */
export const NUMBER = -1;
export const ABSENT = -2;
export const NULL = -3;
export const TRUE = -4;
export const FALSE = -5;

/** EVTX chunks (64 KiB each) per task: 1 MiB, as for JSON lines. */
export const EVTX_TASK_CHUNKS = 16;

/**
 * The events of EVTX chunk `index`, each with its place (chunk · 65536 + its rank among the
 * chunk's events: how the main thread finds it again), and its errors, as the sequential reader
 * gives them.
 */
export function evtxChunkEvents(block: Buffer, index: number, file: string, onEvent: (e: CanonicalEvent, loc: number) => void, onError: (e: ReadError) => void): void {
  let rank = 0;
  const each = (e: CanonicalEvent): void => onEvent(e, index * EVTX_CHUNK_SIZE + rank++);
  for (const it of chunkItems(block, index)) evtxItem(it, file, each, onError);
}
