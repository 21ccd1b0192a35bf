/**
 * How event values become text and numbers for comparisons (SEMANTICS.md "plain values").
 * Never throws: anything that is not a string, number or boolean is treated as absent, which also
 * protects against prototype keys (`constructor`) if a reader hands over a plain object.
 */
import type { FieldValue } from '../logs/event.js';

/** Text of a value, or undefined when absent/null/not a scalar. Booleans are `true`/`false`. */
export function valueText(v: FieldValue | undefined | unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? String(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** Decimal number syntax accepted for numeric comparisons (no hex, no empty, no `Infinity`). */
const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Number of a value for `lt/lte/gt/gte` and `value_sum/avg/percentile`; undefined if not numeric. */
export function valueNumber(v: FieldValue | undefined | unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.length <= 64 && NUMERIC.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The raw scalar of a field: undefined when missing or not a scalar (`null` stays null). */
export function fieldScalar(
  fields: Readonly<Record<string, FieldValue>>,
  name: string,
): FieldValue | undefined {
  const v: unknown = fields[name];
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return v as FieldValue;
  if (v === null) return null;
  return undefined;
}

/**
 * `fieldScalar` for one fixed field name, as a generated function whose property access has a
 * constant key: V8 then caches the lookup at that site (a shared `fields[name]` with varying
 * names is a slow megamorphic lookup). The name is embedded with JSON.stringify, never as raw
 * text. Falls back to a closure when code generation is not allowed.
 */
export function fieldGetter(name: string): (fields: Readonly<Record<string, FieldValue>>) => FieldValue | undefined {
  try {
    return new Function(
      'f',
      `"use strict"; const v = f[${JSON.stringify(name)}]; const t = typeof v; return t === 'string' || t === 'number' || t === 'boolean' ? v : v === null ? null : undefined;`,
    ) as (fields: Readonly<Record<string, FieldValue>>) => FieldValue | undefined;
  } catch {
    return (fields) => fieldScalar(fields, name);
  }
}
