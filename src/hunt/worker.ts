/**
 * A parallel hunting worker (parallel.ts): JSON-lines or EVTX chunks (read here) → canonical events → the
 * single-event rules. It answers each chunk with counts, errors, and the events that matched a
 * rule, as columns (parallel-types.ts): whole when a match is an alert, else only the values of
 * the fields the fed correlations use. It never correlates: the main thread does, in input order.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { compileRules, correlationFields, createEvaluator } from '../engine/index.js';
import type { CanonicalEvent, FieldValue } from '../logs/event.js';
import { EVTX_CHUNK_SIZE } from '../logs/evtx.js';
import { JsonPieces, type ReadError } from '../logs/read.js';
import { ByteLineSplitter } from '../logs/split.js';
import { ABSENT, EVTX_TASK_CHUNKS, evtxChunkEvents, FALSE, fieldsFor, NULL, NUMBER, TRUE, type ChunkResult, type ChunkTask, type WorkerInit } from './parallel-types.js';

const init = workerData as WorkerInit;
const rs = compileRules(init.rules, init.compile);
const ev = createEvaluator(rs, { correlate: false, silentMatches: false });
const need = rs.detections.map((_, di) => correlationFields(rs, di));
const emits = rs.detections.map((d) => d.emit);

/** Read size (as the sequential reader's); the splitter copies what it keeps. */
const buf = Buffer.allocUnsafe(1 << 18);

/** The file, open for one task (descriptors belong to the process: a worker's outlive it). */
function withFile<T>(file: string, f: (fd: number) => T): T {
  const fd = openSync(file, 'r');
  try {
    return f(fd);
  } finally {
    closeSync(fd);
  }
}

/** The EVTX chunks of a task, read whole: their events (with their place) and errors, as the sequential reader gives them. */
function readEvtx(task: ChunkTask, fd: number, onEvent: (e: CanonicalEvent, where: number) => void, onError: (e: ReadError) => void): void {
  const size = task.end - task.start;
  const block = size <= evtxBuf.length ? evtxBuf.subarray(0, size) : Buffer.allocUnsafe(size);
  let n = 0;
  while (n < size) {
    const got = readSync(fd, block, n, size - n, task.start + n);
    if (got === 0) break; // the file shrank
    n += got;
  }
  for (let k = 0, off = 0; off < n; k++, off += EVTX_CHUNK_SIZE) {
    evtxChunkEvents(block.subarray(off, Math.min(n, off + EVTX_CHUNK_SIZE)), task.firstChunk + k, task.file, onEvent, onError);
  }
}

const evtxBuf = Buffer.allocUnsafe(EVTX_TASK_CHUNKS * EVTX_CHUNK_SIZE);

function run(task: ChunkTask): ChunkResult {
  const line: number[] = [];
  const loc: number[] = [];
  const time: number[] = [];
  const hitEnd: number[] = [];
  const hits: number[] = [];
  const whole: number[] = [];
  const wholeFields: Array<Record<string, FieldValue>> = [];
  const code: number[] = [];
  const num: number[] = [];
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const errors: ChunkResult['errors'] = [];
  // The evaluator counts events and skipped ones; this task's are what it counted since the start.
  const events0 = ev.stats.events;
  const skipped0 = ev.stats.skipped;
  const onEvent = (e: CanonicalEvent, where = 0): void => {
    ev.push(e);
    const last = ev.lastHits();
    if (last.length === 0) return;
    let alert = false;
    for (const di of last) {
      hits.push(di);
      if (emits[di]) alert = true;
    }
    hitEnd.push(hits.length);
    line.push(e.source.line ?? e.source.record ?? 0);
    loc.push(where);
    time.push(e.time ?? NaN);
    if (alert) {
      whole.push(wholeFields.length);
      wholeFields.push(e.fields);
    } else {
      whole.push(-1);
      for (const f of fieldsFor(need, last)) {
        // Readers' fields objects have no inherited names (null or empty frozen prototype).
        const v = e.fields[f];
        if (typeof v === 'string') {
          let id = stringIds.get(v);
          if (id === undefined) { id = strings.length; strings.push(v); stringIds.set(v, id); }
          code.push(id);
        } else if (typeof v === 'number') {
          code.push(NUMBER);
          num.push(v);
        } else code.push(v === undefined ? ABSENT : v === null ? NULL : v ? TRUE : FALSE);
      }
    }
  };
  const onError = (err: ReadError): void => {
    errors.push({ ...(err.line !== undefined ? { line: err.line } : {}), ...(err.record !== undefined ? { record: err.record } : {}), message: err.message, after: line.length, events: ev.stats.events - events0, skipped: ev.stats.skipped - skipped0 });
  };
  let ioError: string | undefined;
  let records = 0;
  let lines = 0;
  if (task.kind === 'evtx') {
    try {
      withFile(task.file, (fd) => readEvtx(task, fd, onEvent, onError));
    } catch (e) {
      ioError = e instanceof Error ? e.message : String(e);
    }
  } else {
    const pieces = new JsonPieces(task.file, task.shape, 'lines', onEvent, onError);
    const sp = new ByteLineSplitter(undefined, 1, task.start === 0);
    try {
      withFile(task.file, (fd) => {
        for (let pos = task.start; pos < task.end;) {
          const n = readSync(fd, buf, 0, Math.min(buf.length, task.end - pos), pos);
          if (n === 0) break; // the file shrank
          pos += n;
          for (const p of sp.push(n === buf.length ? buf : buf.subarray(0, n))) pieces.piece(p);
        }
      });
    } catch (e) {
      ioError = e instanceof Error ? e.message : String(e);
    }
    lines = sp.lineNumber - 1;
    if (!ioError) for (const p of sp.end()) pieces.piece(p);
    records = pieces.records;
  }
  return {
    ...(ioError ? { ioError } : {}),
    seq: task.seq, events: ev.stats.events - events0, skipped: ev.stats.skipped - skipped0, records, lines, errors, count: line.length,
    line: Float64Array.from(line), loc: Float64Array.from(loc), time: Float64Array.from(time), hitEnd: Int32Array.from(hitEnd), hits: Int32Array.from(hits),
    whole: Int32Array.from(whole), wholeFields, code: Int32Array.from(code), num: Float64Array.from(num), strings,
  };
}

parentPort!.on('message', (task: ChunkTask) => {
  let res: ChunkResult;
  try {
    res = run(task);
  } catch (e) {
    // Readers and the engine do not throw on content; anything here is a bug, reported as such.
    const none = new Int32Array(0);
    res = {
      seq: task.seq, events: 0, skipped: 0, records: 0, lines: 0, errors: [], count: 0, line: new Float64Array(0), loc: new Float64Array(0), time: new Float64Array(0),
      hitEnd: none, hits: none, whole: none, wholeFields: [], code: none, num: new Float64Array(0), strings: [], failure: e instanceof Error ? e.stack ?? e.message : String(e),
    };
  }
  const transfer = res.failure ? [] : [res.line.buffer, res.loc.buffer, res.time.buffer, res.hitEnd.buffer, res.hits.buffer, res.whole.buffer, res.code.buffer, res.num.buffer];
  parentPort!.postMessage(res, transfer as ArrayBuffer[]);
});
