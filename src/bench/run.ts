/**
 * `npm run bench`: figures for the readers, the engine and the beacon correlation on a
 * deterministic synthetic Sysmon 3 corpus (src/synth), generated on first use into a cache
 * folder (not committed). Peak memory of the end-to-end run is measured in a child process, so
 * corpus generation and the other phases do not inflate it.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Rule } from '../ir/types.js';
import { compileRules, createEvaluator } from '../engine/index.js';
import type { CanonicalEvent } from '../logs/event.js';
import { EvtxStreamWriter } from '../logs/evtx-write.js';
import { readEventBatches, newReadStats } from '../logs/read.js';
import { toEventXml, toNxlog } from '../logs/write.js';
import { beaconScenario, sysmon3Corpus } from '../synth/index.js';
import { hunt } from '../hunt/run.js';

export interface BenchFigure {
  readonly name: string;
  readonly events: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly note?: string;
}

export interface CorpusFiles {
  readonly ndjson: string;
  readonly xml: string;
  readonly evtx: string;
}

const SEED = 'bench-v1';

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  for (const l of lines) {
    if (!out.write(l)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
}

/** Generates (once) the corpus of `count` events in NDJSON (NXLog flat), XML and EVTX. */
export async function ensureCorpus(dir: string, count: number, log: (s: string) => void): Promise<CorpusFiles> {
  const base = join(dir, `${SEED}-${count}`);
  mkdirSync(base, { recursive: true });
  const files = { ndjson: join(base, 'corpus.ndjson'), xml: join(base, 'corpus.xml'), evtx: join(base, 'corpus.evtx') };
  const gen = (): Generator<CanonicalEvent> => sysmon3Corpus({ count, seed: SEED });
  if (!existsSync(files.ndjson)) {
    log(`generating ${files.ndjson} …`);
    await writeLines(files.ndjson, (function* () {
      for (const e of gen()) yield JSON.stringify(toNxlog(e.fields)) + '\n';
    })());
  }
  if (!existsSync(files.xml)) {
    log(`generating ${files.xml} …`);
    await writeLines(files.xml, (function* () {
      yield '<Events>\n';
      for (const e of gen()) yield toEventXml(e.fields, true) + '\n';
      yield '</Events>\n';
    })());
  }
  if (!existsSync(files.evtx)) {
    log(`generating ${files.evtx} …`);
    const tmp = `${files.evtx}.tmp`;
    const fd = openSync(tmp, 'w');
    const w = new EvtxStreamWriter();
    let pos = 4096; // header written last
    for (const e of gen()) for (const chunk of w.add(e.fields)) pos += writeSync(fd, chunk, 0, chunk.length, pos);
    for (const chunk of w.finish()) pos += writeSync(fd, chunk, 0, chunk.length, pos);
    const h = w.header();
    writeSync(fd, h, 0, h.length, 0);
    closeSync(fd);
    renameSync(tmp, files.evtx);
  }
  return files;
}

const figure = (name: string, events: number, ms: number, note?: string): BenchFigure => ({
  name,
  events,
  seconds: ms / 1000,
  perSecond: events / (ms / 1000),
  ...(note ? { note } : {}),
});

/** Read only: events/s of a reader. */
export async function benchRead(name: string, file: string): Promise<BenchFigure> {
  const stats = newReadStats();
  const t = performance.now();
  let n = 0;
  for await (const b of readEventBatches(file, { stats })) n += b.length;
  return figure(name, n, performance.now() - t, `${(statSync(file).size / 1e6).toFixed(0)} MB, ${stats.errors} unreadable`);
}

/**
 * How fast this (shared, noisy) machine is right now: M short-string `toLowerCase` +
 * `endsWith` per second, best of 15 runs. Figures from different runs compare as ratios to it.
 */
export function calibration(): number {
  const strs = Array.from({ length: 100_000 }, (_, i) => `C:\\Windows\\System32\\Svchost${i}.EXE`);
  let best = Infinity;
  let n = 0;
  for (let r = 0; r < 15; r++) {
    const s = performance.now();
    for (const x of strs) n += x.toLowerCase().endsWith('.exe') ? 1 : 0;
    best = Math.min(best, performance.now() - s);
  }
  return n < 0 ? 0 : strs.length / best / 1000;
}

/**
 * Single-event matching of every detection rule over canonical events held in memory (one
 * evaluator for all rounds, after one warm-up pass with another). The events are cold in the
 * CPU caches (hundreds of MB), unlike events matched right after a reader produced them.
 */
export function benchMatch(rules: readonly Rule[], events: readonly CanonicalEvent[], rounds: number, name = 'match: single-event rules, canonical events'): BenchFigure {
  const detections = rules.filter((r) => r.kind === 'detection');
  const rs = compileRules(detections);
  let matches = 0;
  const warm = createEvaluator(rs);
  for (const e of events) warm.push(e);
  const cal = calibration();
  const ev = createEvaluator(rs);
  const t = performance.now();
  for (let r = 0; r < rounds; r++) for (const e of events) matches += ev.push(e).length;
  const ms = performance.now() - t;
  const perSec = (events.length * rounds) / (ms / 1000);
  return figure(
    name,
    events.length * rounds,
    ms,
    `${detections.length} rules, ${matches} matches; calibration ${cal.toFixed(1)} M ops/s, ratio ${(perSec / 1e6 / cal).toFixed(4)}`,
  );
}

/**
 * Matching events that are in the CPU caches, as an event is when the engine gets it straight
 * from a reader: per chunk of 256 events, an untimed pass reads every field, then the chunk is
 * matched (timed). Events/s over all chunks.
 */
export function matchWarm(rs: ReturnType<typeof compileRules>, events: readonly CanonicalEvent[]): number {
  const ev = createEvaluator(rs);
  let ms = 0;
  let sink = 0;
  for (let at = 0; at < events.length; at += 256) {
    const end = Math.min(events.length, at + 256);
    for (let i = at; i < end; i++) {
      const f = events[i]!.fields;
      for (const k in f) if (f[k] !== undefined) sink++;
    }
    const t = performance.now();
    for (let i = at; i < end; i++) sink += ev.push(events[i]!).length;
    ms += performance.now() - t;
  }
  return sink < 0 ? 0 : events.length / (ms / 1000);
}

/** The first `count` events of a file, as its reader gives them. */
export async function firstEvents(file: string, count: number): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const b of readEventBatches(file)) {
    for (const e of b) if (out.length < count) out.push(e);
    if (out.length >= count) break;
  }
  return out;
}

/**
 * Read NDJSON + normalise + match all rules, correlations included (end to end), as `dac hunt`
 * does it: with `threads` worker threads (0: all on this thread). Alerts are counted, not printed.
 */
export async function benchEndToEnd(rules: readonly Rule[], file: string, threads: number): Promise<BenchFigure & { maxRssMb: number }> {
  let alerts = 0;
  const t = performance.now();
  const s = await hunt({ rules, files: [file], threads, onDetection: () => void alerts++, onCorrelation: () => void alerts++ });
  const ms = performance.now() - t;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const how = s.parallel.files > 0 ? `${s.parallel.threads} worker threads` : 'one thread';
  const format = file.endsWith('.evtx') ? 'EVTX' : 'NDJSON';
  return { ...figure(`${format} read + normalise + match all rules (${how})`, s.events, ms, `${rules.length} rules, ${alerts} alerts`), maxRssMb };
}

/** The beacon correlation alone over a multi-hour beacon scenario. */
export function benchBeacon(rules: readonly Rule[], repeat: number): BenchFigure {
  const beacons = rules.filter((r) => r.kind === 'correlation' && r.type === 'beacon');
  const needed = new Set(beacons.flatMap((b) => (b.kind === 'correlation' ? b.rules : [])));
  const base = rules.filter((r) => r.kind === 'detection' && needed.has(r.id ?? r.name ?? r.title));
  const scenario = beaconScenario({ seed: SEED });
  const rs = compileRules([...base, ...beacons]);
  const t = performance.now();
  let alerts = 0;
  for (let i = 0; i < repeat; i++) {
    const ev = createEvaluator(rs);
    for (const e of scenario.events) ev.push(e);
    alerts += ev.finish().length;
  }
  return figure('beacon correlation (base rule + beacon)', scenario.events.length * repeat, performance.now() - t, `${beacons.length} beacon rule(s), ${alerts / repeat} alerts per pass`);
}

/** Runs the end-to-end phase in a fresh process (for an honest peak RSS). */
export function endToEndInChild(entry: string, rulesDir: string, file: string, cwd: string, threads: number): (BenchFigure & { maxRssMb: number }) | { error: string } {
  const r = spawnSync(process.execPath, [entry, 'bench', '--phase', 'e2e', '--rules', rulesDir, '--file', file, '--threads', String(threads)], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim() };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as BenchFigure & { maxRssMb: number };
  } catch {
    return { error: `unexpected child output: ${r.stdout.slice(0, 200)}` };
  }
}

export function formatFigures(figs: readonly BenchFigure[]): string {
  const rows = figs.map((f) => [f.name, f.events.toLocaleString('en-US'), f.seconds.toFixed(2), Math.round(f.perSecond).toLocaleString('en-US'), f.note ?? '']);
  const head = ['phase', 'events', 'seconds', 'events/s', 'notes'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i >= 1 && i <= 3 ? x.padStart(w[i]!) : x.padEnd(w[i]!))).join('  ').trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}
