/**
 * Escaping for each artifact format. Templates never paste raw rule text: every value goes
 * through one of these, so a title like `Evil "[x]" \ 'y'` cannot break or inject into a file.
 */

/** ARM evaluates a string that starts with `[` and ends with `]` as an expression; `[[` keeps it literal. */
export function armLiteralString(s: string): string {
  return s.startsWith('[') && s.endsWith(']') ? `[${s}` : s;
}

/** Every string inside a value, ARM-escaped (for whole property objects pasted into a template). */
export function armEscapeDeep(value: unknown): unknown {
  if (typeof value === 'string') return armLiteralString(value);
  if (Array.isArray(value)) return value.map(armEscapeDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, armEscapeDeep(v)]));
  }
  return value;
}

/** A string literal inside an ARM expression: single-quoted, `'` doubled. */
export function armExpressionString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * A .conf value. Lines after the first continue with a trailing `\` (Splunk's multi-line
 * syntax), so a newline in a rule can never start a new key or `[stanza]`. A line that itself ends
 * in `\` would swallow the next line: it gets a trailing space (harmless in SPL and prose).
 */
export function confValue(s: string): string {
  const lines = s.replace(/\r\n?/g, '\n').replace(CONTROL, ' ').split('\n');
  return lines.map((l) => (l.endsWith('\\') ? `${l} ` : l)).join('\\\n');
}

/** A stanza name: one line, no control characters (brackets are kept: the name ends at the last `]`). */
export function confStanzaName(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(CONTROL, ' ').trim();
}
