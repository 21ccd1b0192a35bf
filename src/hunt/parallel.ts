/**
 * Parallel hunting over large JSON-lines files. The main thread cuts the file into chunks of
 * whole lines (about 1 MiB) and hands them to worker threads (worker.ts), which parse, normalise
 * and run the single-event rules. Their answers are taken in file order, so the main evaluator
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
import { Worker } from 'node:worker_threads';
import { correlationFields, type CompileOptions, type CorrelationMatch, type DetectionMatch, type Evaluator, type RuleSet } from '../engine/index.js';
import type { Rule } from '../ir/types.js';
import type { DetectedFormat } from '../logs/detect.js';
import type { CanonicalEvent } from '../logs/event.js';
import { newFields } from '../logs/fields.js';
import type { JsonShape } from '../logs/json.js';
import { fileBytes, JsonPieces, ReadFailure, type ReadError, type ReadStats } from '../logs/read.js';
import { ByteLineSplitter, MAX_RECORD_CHARS } from '../logs/split.js';
import { fieldsFor, type ChunkResult, type ChunkTask, type WorkerInit } from './parallel-types.js';

/** Bytes per chunk handed to a worker (whole lines; a longer line makes a longer chunk). */
export const CHUNK_BYTES = 1 << 20;

/** Files smaller than this are read on the main thread (starting workers costs more). */
export const PARALLEL_MIN_BYTES = 8 << 20;

/** Can this file be hunted in parallel? UTF-8 JSON lines only (the format detected as such). */
export function parallelEligible(d: DetectedFormat | undefined): d is DetectedFormat {
  return d !== undefined && d.format === 'json' && d.jsonLayout === 'lines' && d.encoding === 'utf-8';
}

// ------------------------------------------------------------------ workers

export class WorkerPool {
  private readonly workers: Array<{ readonly w: Worker; pending: number }> = [];
  private readonly waiting = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  private broken: Error | undefined;

  constructor(rules: readonly Rule[], compile: CompileOptions, threads: number) {
    const here = import.meta.url;
    // From sources (tests, tsx) the worker is TypeScript too: load it through tsx.
    const ts = here.endsWith('.ts');
    const url = new URL(ts ? './worker.ts' : './worker.js', here);
    const init: WorkerInit = { rules, compile };
    for (let i = 0; i < threads; i++) {
      const w = new Worker(url, { workerData: init, ...(ts ? { execArgv: ['--import', 'tsx'] } : {}) });
      const slot = { w, pending: 0 };
      w.on('message', (r: ChunkResult) => {
        slot.pending--;
        const p = this.waiting.get(r.seq);
        this.waiting.delete(r.seq);
        p?.resolve(r);
      });
      w.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => { if (code !== 0 && this.waiting.size > 0) this.fail(new Error(`hunt worker exited with code ${code}`)); });
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

  /** Run a chunk on the least busy worker; its bytes are transferred (not copied). */
  run(task: ChunkTask): Promise<ChunkResult> {
    if (this.broken) return Promise.reject(this.broken);
    let best = this.workers[0]!;
    for (const s of this.workers) if (s.pending < best.pending) best = s;
    best.pending++;
    return new Promise<ChunkResult>((resolve, reject) => {
      this.waiting.set(task.seq, { resolve, reject });
      best.w.postMessage(task, [task.bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((s) => s.w.terminate()));
  }
}

// ------------------------------------------------------------------ cutting a file into chunks

export type LineChunk =
  | { readonly kind: 'chunk'; readonly bytes: Uint8Array; readonly offset: number }
  | { readonly kind: 'long' };

/**
 * Whole lines, about `target` bytes at a time, each chunk in its own ArrayBuffer (so it can be
 * transferred). A line longer than `max` bytes is reported (`long`) and skipped (it counts as one
 * line), as ByteLineSplitter does when it reads the file itself. Lines are
 * not counted here: workers count them, and results are taken in order.
 */
export async function* lineChunks(bytes: AsyncIterable<Buffer>, target = CHUNK_BYTES, max = MAX_RECORD_CHARS): AsyncGenerator<LineChunk> {
  let parts: Buffer[] = [];
  let len = 0;
  let offset = 0; // file offset of parts[0]
  let skipping = false;
  const take = (): Uint8Array => {
    // allocUnsafeSlow: a buffer of its own (transferable), not zero-filled (it is overwritten).
    const whole = Buffer.allocUnsafeSlow(len);
    let at = 0;
    for (const p of parts) { whole.set(p, at); at += p.length; }
    return whole;
  };
  for await (const b of bytes) {
    let buf = b;
    if (skipping) {
      const nl = buf.indexOf(10);
      if (nl < 0) { offset += buf.length; continue; }
      skipping = false;
      offset += nl + 1;
      buf = buf.subarray(nl + 1);
    }
    if (buf.length === 0) continue;
    parts.push(buf);
    len += buf.length;
    if (len < target) continue;
    const whole = take();
    const cut = whole.lastIndexOf(10);
    if (cut < 0) {
      if (len > max) {
        yield { kind: 'long' };
        skipping = true;
        offset += len;
        parts = [];
        len = 0;
      } else {
        parts = [Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength)];
      }
      continue;
    }
    // The rest (a partial line) is copied out; the chunk keeps the whole buffer.
    const rest = Buffer.from(whole.subarray(cut + 1));
    const chunkOffset = offset;
    offset += cut + 1;
    parts = rest.length ? [rest] : [];
    len = rest.length;
    yield { kind: 'chunk', bytes: whole.subarray(0, cut + 1), offset: chunkOffset };
  }
  if (len > 0 && !skipping) yield { kind: 'chunk', bytes: take(), offset };
}

// ------------------------------------------------------------------ one file

/** Where each chunk of a file is: to read a line again at the end. */
interface FileChunks {
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
  /** Events read so far (after each chunk). */
  readonly onEvents?: (n: number) => void;
}

type Pending = { readonly kind: 'long' } | { readonly kind: 'chunk'; readonly index: number; readonly result: Promise<ChunkResult> };

/**
 * Hunts files with the pool, correlating here in file order. Events fed to correlations with
 * only some of their fields are remembered in `partial` for `materialise`.
 */
export class ParallelHunt {
  private readonly files = new Map<string, FileChunks>();
  private readonly partial = new WeakSet<CanonicalEvent>();
  private readonly need: ReadonlyArray<readonly string[]>;
  private events = 0;
  private seq = 0;

  constructor(private readonly pool: WorkerPool, private readonly ev: Evaluator, rs: RuleSet) {
    this.need = rs.detections.map((d, di) => (d.feeds.length ? correlationFields(rs, di) : []));
  }

  async file(path: string, detected: DetectedFormat, o: ParallelFileOptions): Promise<void> {
    const shape: JsonShape | undefined = detected.shape === 'json-auto' ? undefined : detected.shape;
    const chunks: FileChunks = { shape, starts: [], offsets: [], ends: [] };
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
    const handle = (p: Pending, r: ChunkResult | undefined): void => {
      if (p.kind === 'long') {
        recordBase++;
        fail({ file: path, line: lineBase, record: recordBase, message: `line longer than ${MAX_RECORD_CHARS} bytes: skipped` });
        lineBase++;
        return;
      }
      if (!r) return;
      if (r.failure) throw new Error(`hunt worker failed on ${path}: ${r.failure}`);
      chunks.starts[p.index] = lineBase;
      const base = lineBase - 1;
      const at = { i: 0, v: 0 };
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
          ...(err.record !== undefined ? { record: err.record + recordBase } : {}),
          message: err.message,
        });
      }
      while (at.i < r.count) this.deliver(path, r, at, base, o);
      this.ev.count(r.events, r.skipped);
      o.stats.events += r.events;
      this.events += r.events;
      recordBase += r.records;
      lineBase += r.lines;
      o.onEvents?.(this.events);
    };
    const inflight: Pending[] = [];
    const next = async (): Promise<void> => {
      const p = inflight.shift()!;
      handle(p, p.kind === 'chunk' ? await p.result : undefined);
    };
    const depth = this.pool.size * 3;
    try {
      for await (const c of lineChunks(fileBytes(path))) {
        if (c.kind === 'long') {
          inflight.push(c);
        } else {
          const index = chunks.offsets.length;
          chunks.offsets.push(c.offset);
          chunks.ends.push(c.offset + c.bytes.length);
          const result = this.pool.run({ seq: this.seq++, file: path, shape, atFileStart: c.offset === 0, bytes: c.bytes });
          inflight.push({ kind: 'chunk', index, result });
        }
        while (inflight.length >= depth) await next();
      }
      while (inflight.length > 0) await next();
    } catch (e) {
      // Settle what is in flight (their results are dropped) before leaving.
      await Promise.allSettled(inflight.map((p) => (p.kind === 'chunk' ? p.result : undefined)));
      if (e instanceof ReadFailure) throw e;
      if (e instanceof Error && e.message.startsWith('hunt worker')) throw e;
      fail({ file: path, message: `read failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** The next matched event of a result (`at`: its position and the next value) to the evaluator. */
  private deliver(path: string, r: ChunkResult, at: { i: number; v: number }, base: number, o: ParallelFileOptions): void {
    const i = at.i++;
    const hits = r.hits.subarray(i === 0 ? 0 : r.hitEnd[i - 1]!, r.hitEnd[i]!);
    const fields = newFields();
    const w = r.whole[i]!;
    if (w >= 0) Object.assign(fields, r.wholeFields[w]);
    else {
      for (const f of fieldsFor(this.need, hits)) {
        const v = r.values[at.v++];
        if (v !== undefined) fields[f] = v;
      }
    }
    const source = { file: path, line: r.line[i]! + base };
    const t = r.time[i]!;
    const event: CanonicalEvent = Number.isNaN(t) ? { fields, source } : { fields, time: t, source };
    if (w < 0) this.partial.add(event);
    for (const m of this.ev.replay(event, hits)) if (m.emit) o.onDetection(m);
  }

  /**
   * Correlation alerts with every event whole: events that workers sent in part are read again
   * from their file (only those that are in these alerts).
   */
  async materialise(matches: readonly CorrelationMatch[]): Promise<CorrelationMatch[]> {
    const wanted = new Map<string, Map<number, CanonicalEvent | undefined>>();
    for (const m of matches) {
      for (const e of m.events) {
        if (!this.partial.has(e)) continue;
        let lines = wanted.get(e.source.file);
        if (!lines) wanted.set(e.source.file, (lines = new Map()));
        lines.set(e.source.line!, undefined);
      }
    }
    for (const [file, lines] of wanted) await this.reread(file, lines);
    const whole = (e: CanonicalEvent): CanonicalEvent => (this.partial.has(e) ? wanted.get(e.source.file)!.get(e.source.line!)! : e);
    return matches.map((m) => (m.events.some((e) => this.partial.has(e)) ? { ...m, events: m.events.map(whole) } : m));
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
    for (const [line, e] of lines) {
      if (!e) throw new Error(`${file}:${line}: the event could not be read again (did the file change during the hunt?)`);
    }
  }
}
