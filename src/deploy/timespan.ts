/**
 * Sigma timespans (`30s`, `5m`, `1h`, `2d`, `1w`) and the duration syntaxes each SIEM wants:
 * ISO 8601 for Sentinel, relative time and cron for Splunk, `5m`-style for Kibana.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Milliseconds of a Sigma timespan, or undefined when it does not parse. */
export function parseTimespan(text: string): number | undefined {
  const m = /^\s*(\d{1,7})\s*([smhdw])\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n <= 0) return undefined;
  return n * UNIT_MS[m[2]!]!;
}

/** The largest unit that divides the span exactly: 5400000 → `90m`, 86400000 → `1d`. */
export function formatTimespan(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const u = UNIT_MS[unit]!;
    if (ms % u === 0) return `${ms / u}${unit}`;
  }
  return `${Math.ceil(ms / 1000)}s`;
}

/** ISO 8601 duration as Sentinel writes it: PT5M, PT1H30M, P1D, P1DT12H. */
export function isoDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = 'P';
  if (d) out += `${d}D`;
  if (h || m || s) {
    out += 'T';
    if (h) out += `${h}H`;
    if (m) out += `${m}M`;
    if (s) out += `${s}S`;
  }
  return out === 'P' ? 'PT0S' : out;
}

/** Parses the ISO 8601 durations Sentinel returns (no years/months). */
export function parseIsoDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m) return undefined;
  const [, d, h, mi, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}

/**
 * A cron schedule that fires every `ms`, or undefined when cron cannot say it evenly
 * (7 minutes does not divide an hour: the runs would drift against the lookback).
 */
export function cronFor(ms: number): string | undefined {
  const minutes = ms / 60_000;
  if (!Number.isInteger(minutes) || minutes < 1) return undefined;
  if (minutes < 60) return 60 % minutes === 0 ? (minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`) : undefined;
  const hours = minutes / 60;
  if (!Number.isInteger(hours)) return undefined;
  if (hours < 24) return 24 % hours === 0 ? (hours === 1 ? '0 * * * *' : `0 */${hours} * * *`) : undefined;
  const days = hours / 24;
  if (days === 1) return '0 0 * * *';
  if (days === 7) return '0 0 * * 0';
  return undefined;
}

/** Splunk relative time modifier: `-15m`, `-1d`. */
export function splunkRelative(ms: number): string {
  return `-${formatTimespan(ms)}`;
}

/** Kibana date math knows s, m, h, d (no weeks): `interval` and `from: now-…`. */
export function kibanaDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const u = UNIT_MS[unit]!;
    if (ms % u === 0) return `${ms / u}${unit}`;
  }
  return `${Math.ceil(ms / 1000)}s`;
}
