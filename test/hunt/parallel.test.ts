/**
 * Parallel hunting (src/hunt/parallel.ts) must give what a sequential hunt gives: the same
 * alerts in the same order with the same content (correlation alerts included, whose events the
 * workers sent in part and which are read again), the same read errors with the same line and
 * record numbers, the same summary; in strict mode the same alerts before the same failure.
 * The logs are the repository's rules over a synthetic corpus with beacons, a DNS burst, and
 * hostile lines, cut into many small chunks so that boundaries fall everywhere.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../src/ir/types.js';
import { alertJson, hunt, type HuntOptions } from '../../src/hunt/run.js';
import { chunkRanges, HuntWorkerError, WorkerPool } from '../../src/hunt/parallel.js';
import { readAllEvents, ReadFailure, type ReadError } from '../../src/logs/read.js';
import { toNxlog } from '../../src/logs/write.js';
import { writeEvtx } from '../../src/logs/evtx-write.js';
import type { CanonicalEvent } from '../../src/logs/event.js';
import { loadRulePaths } from '../../src/sigma/index.js';
import { beaconScenario, sysmon3Corpus } from '../../src/synth/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hunt-parallel-'));
let rules: readonly Rule[] = [];
const big = join(dir, 'big.ndjson');
const small = join(dir, 'small.ndjson.gz');
const evtx = join(dir, 'big.evtx');

interface Outcome {
  alerts: string[];
  errors: ReadError[];
  summary: { events: number; skipped: number; readErrors: number; byRule: Array<[string, number]> };
  parallelFiles: number;
  failure?: string;
}

async function run(files: string[], threads: number, extra: Partial<HuntOptions> = {}): Promise<Outcome> {
  const alerts: string[] = [];
  const errors: ReadError[] = [];
  const out: Outcome = { alerts, errors, summary: { events: 0, skipped: 0, readErrors: 0, byRule: [] }, parallelFiles: 0 };
  try {
    const s = await hunt({
      rules, files, threads, parallelMinBytes: 0, parallelChunkBytes: 48 * 1024,
      onDetection: (m) => alerts.push(JSON.stringify(alertJson(m))),
      onCorrelation: (m) => alerts.push(JSON.stringify(alertJson(m))),
      onReadError: (e) => errors.push(e),
      ...extra,
    });
    out.parallelFiles = s.parallel.files;
    out.summary = { events: s.events, skipped: s.skipped, readErrors: s.readErrors, byRule: [...s.matchesByRule].map(([k, v]) => [k, v.count]) };
  } catch (e) {
    out.failure = e instanceof ReadFailure ? `ReadFailure ${e.message}` : String(e);
  }
  return out;
}

beforeAll(async () => {
  rules = (await loadRulePaths([join(ROOT, 'rules')], { profile: 'sigma', listsDir: join(ROOT, 'lists') })).rules;
  const line = (f: Record<string, unknown>): string => JSON.stringify(toNxlog(f as never));
  const corpusEvents = [...sysmon3Corpus({ count: 3000, seed: 'parallel-test' })];
  const beaconEvents = beaconScenario({ seed: 'parallel-test', hours: 6, browsers: 2, periodsMs: [60_000], jitters: [0.1], modes: ['one-sided'], durationHours: [2, 3] }).events;
  const dnsEvents: CanonicalEvent[] = [];
  for await (const e of readAllEvents([join(ROOT, 'fixtures/rules/dns_traffic_from_non_resolver_process/positive_burst.flat.jsonl')])) dnsEvents.push(e);
  const corpus = corpusEvents.map((e) => line(e.fields));
  const beacons = beaconEvents.map((e) => line(e.fields));
  const dnsLines = dnsEvents.map((e) => line(e.fields));
  // EVTX: the same events, several tasks of 16 chunks, one record damaged, the last chunk cut short.
  const all = [...corpusEvents, ...beaconEvents, ...dnsEvents].map((e) => e.fields);
  const bytes = Buffer.from(writeEvtx(all as never));
  const bad = 4096 + 65536 * 20 + 9000; // inside chunk 20 (second task)
  bytes.fill(0xee, bad, bad + 64);
  writeFileSync(evtx, bytes.subarray(0, bytes.length - 30_000));
  // Interleave, then sprinkle what readers must report or skip.
  const lines: string[] = [];
  const n = Math.max(corpus.length, beacons.length, dnsLines.length);
  for (let i = 0; i < n; i++) {
    if (i < corpus.length) lines.push(corpus[i]!);
    if (i < beacons.length) lines.push(beacons[i]!);
    if (i < dnsLines.length) lines.push(dnsLines[i]!);
    if (i % 997 === 5) lines.push('{"EventID": 3, "broken": ');
    if (i % 1409 === 7) lines.push('');
    if (i % 1733 === 9) lines.push(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`);
    if (i % 811 === 3) lines.push(`${corpus[i % corpus.length]!}\r`);
  }
  // A byte order mark first, no newline after the last line.
  writeFileSync(big, '\ufeff' + lines.join('\n'));
  writeFileSync(small, gzipSync(lines.slice(0, 400).join('\n') + '\n'));
}, 60_000);

/** Both runs, checked to be equal; the sequential one also checked to exercise correlations. */
async function both(files: string[], threads: number): Promise<{ seq: Outcome; par: Outcome }> {
  const seq = await run(files, 0);
  const par = await run(files, threads);
  expect(seq.failure).toBeUndefined();
  expect(par.failure).toBeUndefined();
  expect(seq.parallelFiles).toBe(0);
  expect(par.parallelFiles).toBeGreaterThan(0);
  const kinds = seq.alerts.map((a) => (JSON.parse(a) as { rule: { type?: string } }).rule.type ?? 'detection');
  expect(kinds.filter((k) => k === 'detection').length).toBeGreaterThan(50);
  expect(kinds).toContain('beacon');
  expect(kinds).toContain('event_count');
  expect(par.alerts).toEqual(seq.alerts);
  expect(par.errors).toEqual(seq.errors);
  expect(par.summary).toEqual(seq.summary);
  return { seq, par };
}

describe('parallel hunting gives what a sequential hunt gives', () => {
  it('one large JSON-lines file: same alerts (correlations included), errors and summary', async () => {
    const { seq, par } = await both([big], 2);
    expect(par.parallelFiles).toBe(1);
    expect(seq.errors.length).toBeGreaterThan(5);
    // Correlation alerts carry whole events (read again), not the workers' partial ones.
    const beacon = par.alerts.map((a) => JSON.parse(a) as { rule: { type?: string }; events?: Array<{ event: Record<string, unknown> }> }).find((a) => a.rule.type === 'beacon')!;
    expect(beacon.events!.length).toBeGreaterThan(0);
    for (const e of beacon.events!) expect(e.event).toHaveProperty('SourcePort');
  }, 120_000);

  it('several files, one of them gzip (read on the main thread), correlating across them', async () => {
    const { par } = await both([small, big, small], 3);
    expect(par.parallelFiles).toBe(1); // the gzip files are read on the main thread
  }, 120_000);

  it('strict: the same alerts before the same first error', async () => {
    const seq = await run([big], 0, { strict: true });
    const par = await run([big], 2, { strict: true });
    expect(seq.failure).toMatch(/^ReadFailure .*big\.ndjson:\d+/);
    expect(par.failure).toBe(seq.failure);
    expect(par.alerts).toEqual(seq.alerts);
    expect(par.errors).toEqual(seq.errors);
  }, 120_000);

  it('EVTX: same alerts, errors and summary (damaged record, truncated end)', async () => {
    const { seq } = await both([evtx], 2);
    expect(seq.errors.map((e) => e.message).join('\n')).toMatch(/truncated/);
    expect(seq.errors.length).toBeGreaterThan(1);
    expect(seq.summary.events).toBeGreaterThan(4000);
  }, 120_000);
});

describe('worker pool failures', () => {
  it('a worker that dies, even idle, fails the next task with HuntWorkerError (no hang)', async () => {
    const pool = new WorkerPool(rules, {}, 1);
    const task = { seq: 1, kind: 'lines' as const, file: big, shape: undefined, start: 0, end: 1000, firstChunk: 0 };
    const ok = await pool.run(task);
    expect(ok.failure).toBeUndefined();
    // White box: end the worker as a crash would.
    await (pool as unknown as { workers: Array<{ w: { terminate(): Promise<number> } }> }).workers[0]!.w.terminate();
    await expect(pool.run({ ...task, seq: 2 })).rejects.toBeInstanceOf(HuntWorkerError);
    await pool.close();
  }, 60_000);
});

describe('chunkRanges', () => {
  it('cuts after newlines, covers the file, keeps a long line whole', async () => {
    const f = join(dir, 'ranges.txt');
    const text = ['a', 'bb', 'x'.repeat(5000), 'ccc', '', 'dddd'].join('\n');
    writeFileSync(f, text);
    const ranges: Array<{ start: number; end: number }> = [];
    for await (const r of chunkRanges(f, 3)) ranges.push(r);
    expect(ranges[0]!.start).toBe(0);
    expect(ranges.at(-1)!.end).toBe(Buffer.byteLength(text));
    for (let i = 1; i < ranges.length; i++) {
      expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
      expect(text[ranges[i]!.start - 1]).toBe('\n');
    }
    expect(ranges.some((r) => text.slice(r.start, r.end).includes('x'.repeat(5000)))).toBe(true);
  });
});
