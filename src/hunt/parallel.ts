/**
 * Parallel hunting over large JSON-lines and EVTX files. The main thread cuts the file into tasks
 * of about 1 MiB (whole lines, or whole EVTX chunks) and hands them to worker threads (worker.ts),
 * which read them, parse, normalise and run the single-event rules. Their answers are taken in file order, so the main evaluator
 * sees the matched events exactly as a sequential run would: it counts them, feeds the
 * correlations (`Evaluator.replay`) and yields the alerts in the same order with the same
 * content. Workers send whole events only for alerts; for an event that only feeds correlations
 * they send the fields those use, and the few such events that end up in a correlation alert are
 * read again from the file at the end (`materialise`).
 *
 * What runs where: reading, line cutting and correlation on the main thread; JSON.parse,
 * normalisation and matching (most of the work) in the workers.
 */
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { correlationFields, type CompileOptions, type CorrelationMatch, type DetectionMatch, type Evaluator, type RuleSet } from '../engine/index.js';
import type { Rule } from '../ir/types.js';
import type { DetectedFormat } from '../logs/detect.js';
import type { CanonicalEvent, FieldValue } from '../logs/event.js';
import { assignLine, fieldsConstructor, newFields } from '../logs/fields.js';
import type { JsonShape } from '../logs/json.js';
import { JsonPieces, ReadFailure, type ReadError, type ReadStats } from '../logs/read.js';
import { ByteLineSplitter } from '../logs/split.js';
import { checkFileHeader, EVTX_CHUNK_SIZE, EVTX_HEADER_SIZE } from '../logs/evtx.js';
import { ABSENT, EVTX_TASK_CHUNKS, evtxChunkEvents, fieldsFor, NULL, NUMBER, TRUE, type ChunkResult, type ChunkTask, type WorkerInit } from './parallel-types.js';

/**
 * Bytes per chunk handed to a worker (whole lines; a longer line makes a longer chunk). Measured
 * on the bench corpus with workers' young generation at 16 MB: 1 MiB fastest and smallest
 * (512 KiB, 2 and 4 MiB tried; larger chunks keep more alive per chunk, so more survives GC).
 */
export const CHUNK_BYTES = 1 << 20;

/**
 * Workers start cold (modules, rules, JIT) for about 0.3 s: on the 2-core bench machine a 98 MB
 * file was still 10–20 % faster on one thread, a 196 MB one 25 % faster with two workers. So a
 * hunt uses workers when its input totals this much; then every eligible file of at least
 * PARALLEL_FILE_MIN_BYTES goes to them (a folder of 64 MB Sysmon logs, say).
 */
export const PARALLEL_MIN_BYTES = 128 << 20;
export const PARALLEL_FILE_MIN_BYTES = 1 << 20;

/**
 * Can this file be hunted in parallel (from its format and first bytes)? UTF-8 JSON lines, and
 * EVTX with a sound file header (a damaged one is reported by the sequential reader, which also
 * decides how to go on).
 */
export function parallelEligible(d: DetectedFormat, head: Buffer): boolean {
  if (d.format === 'json') return d.jsonLayout === 'lines' && d.encoding === 'utf-8';
  return d.format === 'evtx' && head.length >= EVTX_HEADER_SIZE && checkFileHeader(head.subarray(0, EVTX_HEADER_SIZE)).length === 0;
}

// ------------------------------------------------------------------ workers

/** A worker failed (a bug, never log content): the hunt stops with it. */
export class HuntWorkerError extends Error {
  constructor(message: string) {
    super(`hunt worker failed: ${message}`);
    this.name = 'HuntWorkerError';
  }
}

export class WorkerPool {
  private readonly workers: Array<{ readonly w: Worker; pending: number }> = [];
  private readonly waiting = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  private broken: Error | undefined;
  private closing = false;

  constructor(rules: readonly Rule[], compile: CompileOptions, threads: number) {
    const init: WorkerInit = { rules, compile };
    for (let i = 0; i < threads; i++) {
      const w = startWorker(init);
      const slot = { w, pending: 0 };
      w.on('message', (r: ChunkResult) => {
        slot.pending--;
        const p = this.waiting.get(r.seq);
        this.waiting.delete(r.seq);
        p?.resolve(r);
      });
      w.on('error', (e) => this.fail(new HuntWorkerError(e instanceof Error ? e.stack ?? e.message : String(e))));
      // A worker that ends before close() (even idle) breaks the pool: a task sent to it would never answer.
      w.on('exit', (code) => { if (!this.closing) this.fail(new HuntWorkerError(`exited with code ${code}`)); });
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  /** Run a chunk on the least busy worker. */
  run(task: ChunkTask): Promise<ChunkResult> {
    if (this.broken) return Promise.reject(this.broken);
    let best = this.workers[0]!;
    for (const s of this.workers) if (s.pending < best.pending) best = s;
    best.pending++;
    return new Promise<ChunkResult>((resolve, reject) => {
      this.waiting.set(task.seq, { resolve, reject });
      best.w.postMessage(task);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((s) => s.w.terminate()));
  }
}

/**
 * The built worker (dist/hunt/worker.js); from sources (tests, tsx) the TypeScript one, loaded
 * through tsx's loader registered inside the worker (a worker's `--import` is not honoured).
 */
function startWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  // A worker's objects live for one chunk at most: a young generation of 16 MB (a third of the
  // default) keeps each worker smaller (bench: peak RSS about 240 MB instead of about 300 MB on
  // the 1 GB corpus) at no measurable cost in speed.
  const resourceLimits = { maxYoungGenerationSizeMb: 16 };
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData: init, resourceLimits });
  // The ESM build of tsx's API (require.resolve gives the CommonJS one, next to it).
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const entry = new URL('./worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: init, resourceLimits });
}

// ------------------------------------------------------------------ cutting a file into chunks

/** Bytes [start, end) of a file for one task (`firstChunk`: EVTX only, the chunk number at `start`). */
export interface Range {
  readonly start: number;
  readonly end: number;
  readonly firstChunk: number;
}

/**
 * Byte ranges of about `target` bytes, each ending just after a newline (or at the end of the
 * file), so every chunk holds whole lines. Only a small window at each boundary is read here;
 * the workers read the chunks. A line of any length stays in one chunk (the worker's splitter
 * reports and skips it with bounded memory, as the sequential reader does).
 */
export async function* chunkRanges(path: string, target = CHUNK_BYTES): AsyncGenerator<Range> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const win = Buffer.allocUnsafe(16 * 1024);
    let start = 0;
    while (start < size) {
      let pos = Math.min(size, start + target);
      while (pos < size) {
        const { bytesRead } = await fh.read(win, 0, win.length, pos);
        if (bytesRead === 0) { pos = size; break; }
        const nl = win.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) { pos += nl + 1; break; }
        pos += bytesRead;
      }
      yield { start, end: pos, firstChunk: 0 };
      start = pos;
    }
  } finally {
    await fh.close();
  }
}

/** EVTX tasks: EVTX_TASK_CHUNKS chunks each after the file header; the last may end mid-chunk. */
async function* evtxRanges(path: string): AsyncGenerator<Range> {
  const fh = await open(path, 'r');
  let size: number;
  try {
    size = (await fh.stat()).size;
  } finally {
    await fh.close();
  }
  const step = EVTX_TASK_CHUNKS * EVTX_CHUNK_SIZE;
  for (let start = EVTX_HEADER_SIZE, first = 0; start < size; start += step, first += EVTX_TASK_CHUNKS) {
    yield { start, end: Math.min(size, start + step), firstChunk: first };
  }
}

// ------------------------------------------------------------------ one file

/**
 * The source of an event a worker sent in part (correlation fields only): the mark that
 * `materialise` reads it again. A class, not a WeakSet of events: a million-entry WeakSet is an
 * ephemeron table that every garbage collection walks.
 */
class PartialSource {
  readonly line?: number;
  readonly record?: number;
  /** EVTX: where to find the event again (chunk · 65536 + its place among the chunk's events). */
  readonly #loc: number;
  constructor(readonly file: string, at: { line: number } | { record: number }, loc: number) {
    Object.assign(this, at);
    this.#loc = loc;
  }
  get loc(): number {
    return this.#loc;
  }
}

const isPartial = (e: CanonicalEvent): boolean => e.source instanceof PartialSource;

type PartialCtor = new (a: ReadonlyArray<FieldValue | undefined>) => Record<string, FieldValue>;

/** Where each chunk of a file is: to read a line again at the end. */
interface FileChunks {
  readonly kind: 'lines' | 'evtx';
  readonly shape: JsonShape | undefined;
  /** First line of chunk i (known once its result is taken, in order). */
  readonly starts: number[];
  readonly offsets: number[];
  readonly ends: number[];
}

export interface ParallelFileOptions {
  readonly stats: ReadStats;
  readonly strict?: boolean;
  readonly onError?: (e: ReadError) => void;
  readonly onDetection: (m: DetectionMatch) => void;
  /** Events read in the chunk just taken. */
  readonly onEvents?: (added: number) => void;
}

/**
 * Hunts files with the pool, correlating here in file order. Events fed to correlations with
 * only some of their fields carry a `PartialSource`, for `materialise`.
 */
export class ParallelHunt {
  private readonly files = new Map<string, FileChunks>();
  private readonly oneHit = new Int32Array(1);
  private readonly need: ReadonlyArray<readonly string[]>;
  private seq = 0;

  constructor(private readonly pool: WorkerPool, private readonly ev: Evaluator, rs: RuleSet, private readonly chunkBytes = CHUNK_BYTES) {
    this.need = rs.detections.map((_, di) => correlationFields(rs, di));
  }

  async file(path: string, detected: DetectedFormat, o: ParallelFileOptions): Promise<void> {
    const kind = detected.format === 'evtx' ? 'evtx' : 'lines';
    const shape: JsonShape | undefined = detected.shape === 'json-auto' ? undefined : detected.shape;
    const chunks: FileChunks = { kind, shape, starts: [], offsets: [], ends: [] };
    this.files.set(path, chunks);
    o.stats.files++;
    o.stats.formats[path] = detected;
    const fail = (e: ReadError): void => {
      o.stats.errors++;
      o.onError?.(e);
      if (o.strict) throw new ReadFailure(e);
    };
    let recordBase = 0;
    let lineBase = 1;
    let ioError: string | undefined;
    const handle = (index: number, r: ChunkResult): void => {
      if (r.failure) throw new HuntWorkerError(`${path}: ${r.failure}`);
      chunks.starts[index] = lineBase;
      // EVTX records carry their own numbers; JSON lines are numbered from their chunk's start.
      const base = kind === 'evtx' ? 0 : lineBase - 1;
      const at = { i: 0, v: 0, n: 0 };
      for (const err of r.errors) {
        while (at.i < err.after) this.deliver(path, r, at, base, o);
        if (o.strict) {
          // Stopping here: the events before the bad record were read, the rest never is.
          this.ev.count(err.events, err.skipped);
          o.stats.events += err.events;
        }
        fail({
          file: path,
          ...(err.line !== undefined ? { line: err.line + base } : {}),
          ...(err.record !== undefined ? { record: kind === 'evtx' ? err.record : err.record + recordBase } : {}),
          message: err.message,
        });
      }
      while (at.i < r.count) this.deliver(path, r, at, base, o);
      this.ev.count(r.events, r.skipped);
      o.stats.events += r.events;
      recordBase += r.records;
      lineBase += r.lines;
      o.onEvents?.(r.events);
      if (r.ioError) ioError = r.ioError;
    };
    const inflight: Array<{ readonly index: number; readonly result: Promise<ChunkResult> }> = [];
    const depth = this.pool.size * 3;
    try {
      const ranges = kind === 'evtx' ? evtxRanges(path) : chunkRanges(path, this.chunkBytes);
      for await (const c of ranges) {
        const index = chunks.offsets.length;
        chunks.offsets.push(c.start);
        chunks.ends.push(c.end);
        inflight.push({ index, result: this.pool.run({ seq: this.seq++, kind, file: path, shape, start: c.start, end: c.end, firstChunk: c.firstChunk }) });
        while (inflight.length >= depth && !ioError) { const p = inflight.shift()!; handle(p.index, await p.result); }
        if (ioError) break;
      }
      while (inflight.length > 0 && !ioError) { const p = inflight.shift()!; handle(p.index, await p.result); }
      if (ioError) throw new Error(ioError);
    } catch (e) {
      // Settle what is in flight (their results are dropped) before leaving.
      await Promise.allSettled(inflight.map((p) => p.result));
      if (e instanceof ReadFailure) throw e;
      if (e instanceof HuntWorkerError) throw e;
      fail({ file: path, message: `read failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** The next matched event of a result (`at`: its position and the next value) to the evaluator. */
  private deliver(path: string, r: ChunkResult, at: { i: number; v: number; n: number }, base: number, o: ParallelFileOptions): void {
    const i = at.i++;
    const from = i === 0 ? 0 : r.hitEnd[i - 1]!;
    const to = r.hitEnd[i]!;
    // One rule (the usual case): a reused one-element array, not a view per event.
    let hits: ArrayLike<number>;
    if (to - from === 1) { this.oneHit[0] = r.hits[from]!; hits = this.oneHit; } else hits = r.hits.subarray(from, to);
    let fields: Record<string, FieldValue>;
    const w = r.whole[i]!;
    if (w >= 0) fields = Object.assign(newFields(), r.wholeFields[w]);
    else {
      const names = fieldsFor(this.need, hits);
      const vals = this.vals;
      vals.length = names.length;
      for (let k = 0; k < names.length; k++) {
        const c = r.code[at.v++]!;
        vals[k] = c >= 0 ? r.strings[c]! : c === NUMBER ? r.num[at.n++]! : c === ABSENT ? undefined : c === NULL ? null : c === TRUE;
      }
      fields = this.partialFields(names, vals);
    }
    const n = r.line[i]! + base;
    const evtx = this.files.get(path)!.kind === 'evtx';
    const source = w < 0 ? new PartialSource(path, evtx ? { record: n } : { line: n }, r.loc[i]!) : evtx ? { file: path, record: n } : { file: path, line: n };
    const t = r.time[i]!;
    const event: CanonicalEvent = Number.isNaN(t) ? { fields, source } : { fields, time: t, source };
    for (const m of this.ev.replay(event, hits)) if (m.emit) o.onDetection(m);
  }

  private readonly vals: Array<FieldValue | undefined> = [];
  private readonly partialCtors = new Map<string, PartialCtor | null>();

  /** The fields of a partial event: a fast-properties object per name list (fields.ts). */
  private partialFields(names: readonly string[], vals: ReadonlyArray<FieldValue | undefined>): Record<string, FieldValue> {
    // One rule's list is always the same array (`need`): looked up by identity, no key to build.
    let C = this.ctorByList.get(names);
    if (C === undefined) C = this.partialCtor(names);
    if (C) return new C(vals);
    const f = newFields();
    names.forEach((n, k) => { if (vals[k] !== undefined) f[n] = vals[k]!; });
    return f;
  }

  private readonly ctorByList = new Map<readonly string[], PartialCtor | null>();

  private partialCtor(names: readonly string[]): PartialCtor | null {
    const sig = names.join('\u0000');
    let C = this.partialCtors.get(sig);
    if (C === undefined) {
      const body = names.map((n, k) => `if (a[${k}] !== undefined) ${assignLine(n, `a[${k}]`)}`).join('\n');
      C = fieldsConstructor<[ReadonlyArray<FieldValue | undefined>]>(names, ['a'], body, {});
      this.partialCtors.set(sig, C);
    }
    if (this.need.includes(names)) this.ctorByList.set(names, C);
    return C;
  }

  /**
   * Correlation alerts with every event whole: events that workers sent in part are read again
   * from their file (only those that are in these alerts).
   */
  async materialise(matches: readonly CorrelationMatch[]): Promise<CorrelationMatch[]> {
    // Per file, by locator (the line, or for EVTX `loc`), the events to read again.
    const wanted = new Map<string, Map<number, CanonicalEvent | undefined>>();
    const locator = (src: PartialSource): number => (this.files.get(src.file)!.kind === 'evtx' ? src.loc : src.line!);
    for (const m of matches) {
      for (const e of m.events) {
        if (!(e.source instanceof PartialSource)) continue;
        let at = wanted.get(e.source.file);
        if (!at) wanted.set(e.source.file, (at = new Map()));
        at.set(locator(e.source), undefined);
      }
    }
    for (const [file, at] of wanted) {
      if (this.files.get(file)!.kind === 'evtx') await this.rereadEvtx(file, at);
      else await this.reread(file, at);
      for (const [where, e] of at) {
        if (!e) throw new Error(`${file}: the event at ${where} could not be read again (did the file change during the hunt?)`);
      }
    }
    const whole = (e: CanonicalEvent): CanonicalEvent => (e.source instanceof PartialSource ? wanted.get(e.source.file)!.get(locator(e.source))! : e);
    return matches.map((m) => (m.events.some((e) => isPartial(e)) ? { ...m, events: m.events.map(whole) } : m));
  }

  /** EVTX events by `loc` (chunk · 65536 + place): each chunk read once and parsed again. */
  private async rereadEvtx(file: string, at: Map<number, CanonicalEvent | undefined>): Promise<void> {
    const chunks = new Set([...at.keys()].map((loc) => Math.floor(loc / EVTX_CHUNK_SIZE)));
    const fh = await open(file, 'r');
    try {
      for (const index of chunks) {
        const buf = Buffer.alloc(EVTX_CHUNK_SIZE);
        const { bytesRead } = await fh.read(buf, 0, EVTX_CHUNK_SIZE, EVTX_HEADER_SIZE + index * EVTX_CHUNK_SIZE);
        evtxChunkEvents(buf.subarray(0, bytesRead), index, file, (e, loc) => { if (at.has(loc)) at.set(loc, e); }, () => {});
      }
    } finally {
      await fh.close();
    }
  }

  private async reread(file: string, lines: Map<number, CanonicalEvent | undefined>): Promise<void> {
    const fc = this.files.get(file)!;
    const byChunk = new Map<number, number[]>();
    for (const line of lines.keys()) {
      // Last chunk starting at or before the line.
      let lo = 0;
      let hi = fc.starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (fc.starts[mid]! <= line) lo = mid;
        else hi = mid - 1;
      }
      let l = byChunk.get(lo);
      if (!l) byChunk.set(lo, (l = []));
      l.push(line);
    }
    const fh = await open(file, 'r');
    try {
      for (const [ci, want] of byChunk) {
        const size = fc.ends[ci]! - fc.offsets[ci]!;
        const buf = Buffer.alloc(size);
        const { bytesRead } = await fh.read(buf, 0, size, fc.offsets[ci]!);
        const need = new Set(want);
        const pieces = new JsonPieces(file, fc.shape, 'lines', (e) => { lines.set(e.source.line!, e); }, () => {});
        const sp = new ByteLineSplitter(undefined, fc.starts[ci]!, fc.offsets[ci] === 0);
        for (const p of [...sp.push(buf.subarray(0, bytesRead)), ...sp.end()]) if (p.kind === 'item' && need.has(p.line)) pieces.piece(p);
      }
    } finally {
      await fh.close();
    }
  }
}
