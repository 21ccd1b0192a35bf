/** Finding rule files and reading them safely (size limit, strict UTF-8). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './api.js';

/** Larger rule files are refused: no real rule is near this, and YAML parsing is not free. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Finds rule files: a file is taken as given, a folder recursively (`*.yml`, `*.yaml`). */
export function findRuleFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      missing.push(dir);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) files.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, missing };
}

export interface SourceText {
  readonly file: string;
  readonly text: string;
}

/** Reads a file as strict UTF-8; problems become findings. */
export function readRuleFile(file: string): { ok: true; source: SourceText } | { ok: false; finding: Finding } {
  const fail = (code: string, message: string, line = 1, column = 1): { ok: false; finding: Finding } => ({
    ok: false,
    finding: { file, line, column, severity: 'error', code, message },
  });
  let buf: Buffer;
  try {
    const st = statSync(file);
    if (st.size > MAX_FILE_BYTES) return fail('FILE_TOO_LARGE', `file is ${st.size} bytes; rule files are limited to ${MAX_FILE_BYTES}`);
    buf = readFileSync(file);
  } catch (e) {
    return fail('FILE_READ', `cannot read file: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, source: { file, text } };
  } catch {
    const bad = firstInvalidUtf8(buf);
    let line = 1;
    let col = 1;
    for (let i = 0; i < bad; i++) {
      if (buf[i] === 10) {
        line++;
        col = 1;
      } else if ((buf[i]! & 0xc0) !== 0x80) col++;
    }
    if (bad < buf.length) return fail('FILE_ENCODING', `invalid UTF-8 at byte ${bad}`, line, col);
    return fail('FILE_ENCODING', 'file is not valid UTF-8');
  }
}


/** Offset of the first byte of the first malformed UTF-8 sequence (buf.length when none). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let n = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return buf.length;
}
