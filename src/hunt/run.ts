/**
 * Hunting: run loaded rules over any logs and hand every alert to the caller as it is found
 * (detections) or when the input ends (correlations, whose windows close then).
 */
import type { Rule } from '../ir/types.js';
import { compileRules, createEvaluator, type CorrelationMatch, type DetectionMatch, type EngineProblem } from '../engine/index.js';
import type { CanonicalEvent } from '../logs/event.js';
import type { LogFormat } from '../logs/detect.js';
import { newReadStats, readEventBatches, type ReadError } from '../logs/read.js';

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
}

export interface HuntSummary {
  readonly events: number;
  readonly skipped: number;
  readonly readErrors: number;
  readonly matchesByRule: ReadonlyMap<string, { title: string; count: number }>;
  readonly problems: readonly EngineProblem[];
  readonly elapsedMs: number;
}

export async function hunt(opts: HuntOptions): Promise<HuntSummary> {
  const started = performance.now();
  const rs = compileRules(opts.rules);
  const ev = createEvaluator(rs);
  const stats = newReadStats();
  const counts = new Map<string, { title: string; count: number }>();
  const bump = (key: string, title: string): void => {
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { title, count: 1 });
  };
  let n = 0;
  for (const file of opts.files) {
    const batches: AsyncIterable<CanonicalEvent[]> = readEventBatches(file, {
      ...(opts.format ? { format: opts.format } : {}),
      ...(opts.strict ? { strict: true } : {}),
      stats,
      ...(opts.onReadError ? { onError: opts.onReadError } : {}),
    });
    for await (const batch of batches) {
      for (const e of batch) {
        if (++n % 50_000 === 0) opts.onProgress?.(n);
        for (const m of ev.push(e)) {
          if (!m.emit) continue;
          bump(m.ruleKey, m.rule.title);
          opts.onDetection(m);
        }
      }
    }
  }
  for (const m of ev.finish()) {
    if (!m.emit) continue;
    bump(m.ruleKey, m.rule.title);
    opts.onCorrelation(m);
  }
  return {
    events: ev.stats.events,
    skipped: ev.stats.skipped,
    readErrors: stats.errors,
    matchesByRule: counts,
    problems: rs.problems,
    elapsedMs: performance.now() - started,
  };
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
