/**
 * Timestamp parsing for the `minute|hour|day|week|month|year` modifiers.
 *
 * All parts are taken in UTC (Sysmon's `UtcTime` is UTC; SIEMs store UTC). `day` is the day of
 * the month (1-31), `month` 1-12, `week` the ISO-8601 week number (1-53), `hour` 0-23,
 * `minute` 0-59, `year` the full year. Accepted values: numbers (epoch milliseconds) and text
 * `YYYY-MM-DD[ T]HH:MM[:SS[.fff…]]` with optional `Z` or `±HH:MM` offset (no offset = UTC).
 */
const TS = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;

/** Epoch ms of a timestamp value, or undefined. */
export function parseTimestamp(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v.length > 64) return undefined;
  const m = TS.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const ms = frac ? Math.floor(Number((frac + '00').slice(0, 3))) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isFinite(t) ? t : undefined;
}

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** ISO-8601 week number of a UTC date. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

export function timePart(ms: number, part: TimePart): number {
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(d);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
  }
}
