/**
 * Hunting: run loaded rules over any logs and hand every alert to the caller as it is found
 * (detections) or when the input ends (correlations, whose windows close then).
 */
import type { Rule } from '../ir/types.js';
import { stat } from 'node:fs/promises';
import { compileRules, createEvaluator, type CompileOptions, type CorrelationMatch, type DetectionMatch, type EngineProblem } from '../engine/index.js';
import type { CanonicalEvent } from '../logs/event.js';
import type { LogFormat } from '../logs/detect.js';
import { detectPlainFile, newReadStats, readEventBatches, type ReadError } from '../logs/read.js';
import { PARALLEL_FILE_MIN_BYTES, PARALLEL_MIN_BYTES, ParallelHunt, parallelEligible, WorkerPool } from './parallel.js';

export interface HuntOptions {
  readonly rules: readonly Rule[];
  readonly files: readonly string[];
  readonly format?: LogFormat;
  readonly strict?: boolean;
  readonly onDetection: (m: DetectionMatch) => void;
  readonly onCorrelation: (m: CorrelationMatch) => void;
  readonly onReadError?: (e: ReadError) => void;
  /** Called about every 50,000 events. */
  readonly onProgress?: (events: number) => void;
  /**
   * Worker threads for large UTF-8 JSON-lines and EVTX files (parallel.ts); 0: none. Alerts,
   * their order and the summary are the same either way.
   */
  readonly threads?: number;
  /** Smallest total input for which workers start (default PARALLEL_MIN_BYTES). */
  readonly parallelMinBytes?: number;
  /** Bytes per parallel chunk (default CHUNK_BYTES; tests use small ones). */
  readonly parallelChunkBytes?: number;
}

export interface HuntSummary {
  readonly events: number;
  readonly skipped: number;
  readonly readErrors: number;
  readonly matchesByRule: ReadonlyMap<string, { title: string; count: number }>;
  readonly problems: readonly EngineProblem[];
  readonly elapsedMs: number;
  /** Files read by worker threads (`threads`), and how many threads there were. */
  readonly parallel: { readonly files: number; readonly threads: number };
}

export async function hunt(opts: HuntOptions): Promise<HuntSummary> {
  const started = performance.now();
  const compile: CompileOptions = {};
  const rs = compileRules(opts.rules, compile);
  // Matches of rules that only feed correlations are never printed: not even built.
  const ev = createEvaluator(rs, { silentMatches: false });
  const stats = newReadStats();
  const counts = new Map<string, { title: string; count: number }>();
  const bump = (key: string, title: string): void => {
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { title, count: 1 });
  };
  const detection = (m: DetectionMatch): void => {
    bump(m.ruleKey, m.rule.title);
    opts.onDetection(m);
  };
  const threads = opts.threads ?? 0;
  const minBytes = opts.parallelMinBytes ?? PARALLEL_MIN_BYTES;
  let pool: WorkerPool | undefined;
  let par: ParallelHunt | undefined;
  let n = 0;
  let parallelFiles = 0;
  const sizes = await Promise.all(opts.files.map((f) => (f === '-' ? 0 : sizeOf(f))));
  const useWorkers = threads > 0 && sizes.reduce((a, b) => a + b, 0) >= minBytes;
  const fileMin = Math.min(minBytes, PARALLEL_FILE_MIN_BYTES);
  try {
    for (const [i, file] of opts.files.entries()) {
      const plain = useWorkers && sizes[i]! >= fileMin ? await detectPlainFile(file, opts.format) : undefined;
      if (plain && parallelEligible(plain.detected, plain.head)) {
        pool ??= new WorkerPool(opts.rules, compile, threads);
        par ??= new ParallelHunt(pool, ev, rs, opts.parallelChunkBytes);
        parallelFiles++;
        await par.file(file, plain.detected, {
          stats,
          ...(opts.strict ? { strict: true } : {}),
          ...(opts.onReadError ? { onError: opts.onReadError } : {}),
          onDetection: detection,
          onEvents: (added) => {
            const before = n;
            n += added;
            if (Math.floor(n / 50_000) > Math.floor(before / 50_000)) opts.onProgress?.(n);
          },
        });
        continue;
      }
      const batches: AsyncIterable<CanonicalEvent[]> = readEventBatches(file, {
        ...(opts.format ? { format: opts.format } : {}),
        ...(opts.strict ? { strict: true } : {}),
        stats,
        ...(opts.onReadError ? { onError: opts.onReadError } : {}),
      });
      for await (const batch of batches) {
        for (const e of batch) {
          if (++n % 50_000 === 0) opts.onProgress?.(n);
          for (const m of ev.push(e)) if (m.emit) detection(m);
        }
      }
    }
    let closing = ev.finish().filter((m) => m.emit);
    if (par) closing = await par.materialise(closing);
    for (const m of closing) {
      bump(m.ruleKey, m.rule.title);
      opts.onCorrelation(m);
    }
  } finally {
    await pool?.close();
  }
  return {
    events: ev.stats.events,
    skipped: ev.stats.skipped,
    readErrors: stats.errors,
    matchesByRule: counts,
    problems: rs.problems,
    elapsedMs: performance.now() - started,
    parallel: { files: parallelFiles, threads: pool ? threads : 0 },
  };
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** The JSON shape of one alert (`dac hunt --format jsonl`). */
export function alertJson(m: DetectionMatch | CorrelationMatch): Record<string, unknown> {
  const rule = { id: m.rule.id ?? null, title: m.rule.title, level: m.rule.level ?? null };
  const source = (e: CanonicalEvent): Record<string, unknown> => ({ ...e.source });
  const event = (e: CanonicalEvent): Record<string, unknown> => ({
    ...(e.time !== undefined ? { '@time': new Date(e.time).toISOString() } : {}),
    ...e.fields,
  });
  if (m.kind === 'detection') return { rule, source: source(m.event), event: event(m.event) };
  return {
    rule: { ...rule, type: m.type },
    group: m.group,
    window: { start: new Date(m.window.start).toISOString(), end: new Date(m.window.end).toISOString() },
    value: m.value,
    ...(m.stats ? { stats: m.stats } : {}),
    event_count: m.eventCount,
    events: m.events.map((e) => ({ source: source(e), event: event(e) })),
  };
}
