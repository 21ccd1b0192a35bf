/**
 * A parallel hunting worker (parallel.ts): JSON-lines chunks → canonical events → the
 * single-event rules. It answers each chunk with counts, errors, and the events that matched a
 * rule, as columns (parallel-types.ts): whole when a match is an alert, else only the values of
 * the fields the fed correlations use. It never correlates: the main thread does, in input order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileRules, correlationFields, createEvaluator } from '../engine/index.js';
import type { CanonicalEvent, FieldValue } from '../logs/event.js';
import { JsonPieces, type ReadError } from '../logs/read.js';
import { ByteLineSplitter } from '../logs/split.js';
import { fieldsFor, type ChunkResult, type ChunkTask, type WorkerInit } from './parallel-types.js';

const init = workerData as WorkerInit;
const rs = compileRules(init.rules, init.compile);
const ev = createEvaluator(rs, { correlate: false });
const need = rs.detections.map((d, di) => (d.feeds.length ? correlationFields(rs, di) : []));
const emits = rs.detections.map((d) => d.emit);
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function run(task: ChunkTask): ChunkResult {
  const line: number[] = [];
  const time: number[] = [];
  const hitEnd: number[] = [];
  const hits: number[] = [];
  const whole: number[] = [];
  const wholeFields: Array<Record<string, FieldValue>> = [];
  const values: Array<FieldValue | undefined> = [];
  const errors: ChunkResult['errors'] = [];
  let events = 0;
  let skipped = 0;
  const onEvent = (e: CanonicalEvent): void => {
    events++;
    const skippedBefore = ev.stats.skipped;
    const matched = ev.push(e).length > 0;
    if (ev.stats.skipped !== skippedBefore) skipped++;
    if (!matched) return;
    const last = ev.lastHits();
    let alert = false;
    for (const di of last) {
      hits.push(di);
      if (emits[di]) alert = true;
    }
    hitEnd.push(hits.length);
    line.push(e.source.line ?? 0);
    time.push(e.time ?? NaN);
    if (alert) {
      whole.push(wholeFields.length);
      wholeFields.push(e.fields);
    } else {
      whole.push(-1);
      for (const f of fieldsFor(need, last)) values.push(own(e.fields, f) ? e.fields[f] : undefined);
    }
  };
  const onError = (err: ReadError): void => {
    errors.push({ ...(err.line !== undefined ? { line: err.line } : {}), ...(err.record !== undefined ? { record: err.record } : {}), message: err.message, after: line.length, events, skipped });
  };
  const pieces = new JsonPieces(task.file, task.shape, 'lines', onEvent, onError);
  const sp = new ByteLineSplitter(undefined, 1, task.atFileStart);
  const buf = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  for (const p of sp.push(buf)) pieces.piece(p);
  const lines = sp.lineNumber - 1;
  for (const p of sp.end()) pieces.piece(p);
  return {
    seq: task.seq, events, skipped, records: pieces.records, lines, errors, count: line.length,
    line: Int32Array.from(line), time: Float64Array.from(time), hitEnd: Int32Array.from(hitEnd), hits: Int32Array.from(hits),
    whole: Int32Array.from(whole), wholeFields, values,
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
      seq: task.seq, events: 0, skipped: 0, records: 0, lines: 0, errors: [], count: 0, line: none, time: new Float64Array(0),
      hitEnd: none, hits: none, whole: none, wholeFields: [], values: [], failure: e instanceof Error ? e.stack ?? e.message : String(e),
    };
  }
  const transfer = res.failure ? [] : [res.line.buffer, res.time.buffer, res.hitEnd.buffer, res.hits.buffer, res.whole.buffer];
  parentPort!.postMessage(res, transfer as ArrayBuffer[]);
});
