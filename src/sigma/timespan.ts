/** Sigma timespans: `\d+[smhdwMy]` (M = month of 30 days, y = year of 365 days). */
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

export type TimespanResult = { ok: true; ms: number } | { ok: false; error: string };

export function parseTimespan(text: string): TimespanResult {
  const m = /^(\d{1,9})([smhdwMy])$/.exec(text.trim());
  if (!m) return { ok: false, error: 'not a timespan: write a number and a unit s, m, h, d, w, M or y (e.g. 5m, 1h)' };
  const n = Number(m[1]);
  if (n === 0) return { ok: false, error: 'a timespan must be longer than 0' };
  return { ok: true, ms: n * UNIT_MS[m[2]!]! };
}
