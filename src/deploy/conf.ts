/**
 * A small parser for Splunk .conf files, as Splunk reads them: `[stanza]` headers (the name runs
 * to the last `]` on the line), `key = value` lines, `#` comment lines, and values continued onto
 * the next line by a trailing backslash (kept as a newline in the value). Used to check generated
 * files and to turn the rendered savedsearches stanza into REST parameters.
 */
export interface ConfStanza {
  readonly name: string;
  readonly line: number;
  readonly entries: Readonly<Record<string, string>>;
}

export interface ConfParse {
  readonly stanzas: readonly ConfStanza[];
  readonly errors: ReadonlyArray<{ readonly line: number; readonly message: string }>;
}

export function parseConf(text: string): ConfParse {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const stanzas: Array<{ name: string; line: number; entries: Record<string, string> }> = [];
  const errors: Array<{ line: number; message: string }> = [];
  let current: { name: string; line: number; entries: Record<string, string> } = { name: 'default', line: 0, entries: Object.create(null) };
  let started = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[')) {
      const end = trimmed.lastIndexOf(']');
      if (end <= 0) {
        errors.push({ line: i + 1, message: 'stanza header without closing ]' });
        continue;
      }
      if (started || Object.keys(current.entries).length > 0) stanzas.push(current);
      current = { name: trimmed.slice(1, end), line: i + 1, entries: Object.create(null) };
      started = true;
      continue;
    }
    const eq = raw.indexOf('=');
    if (eq <= 0) {
      errors.push({ line: i + 1, message: `not a 'key = value' line: ${trimmed.slice(0, 40)}` });
      continue;
    }
    const key = raw.slice(0, eq).trim();
    let value = raw.slice(eq + 1).replace(/^[ \t]+/, '');
    while (value.endsWith('\\') && i + 1 < lines.length) {
      value = value.slice(0, -1) + '\n' + lines[++i]!;
    }
    if (key in current.entries) errors.push({ line: i + 1, message: `key '${key}' repeated in stanza [${current.name}]` });
    current.entries[key] = value.replace(/[ \t]+$/, '');
  }
  if (started || Object.keys(current.entries).length > 0) stanzas.push(current);
  return { stanzas, errors };
}
