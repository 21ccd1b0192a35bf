/**
 * YAML loading with a source map, on js-yaml.
 *
 * js-yaml has no AST with positions, but its `listener` option reports every node it opens and
 * closes with the parser's offset. We rebuild the node tree from those events, then index it:
 * for every mapping and sequence the position of each key and value. Values are plain JS data
 * (CORE schema: no timestamps, no custom tags), so the rest of the front end works on ordinary
 * objects and asks the map where something was written.
 */
import yaml from 'js-yaml';
import type { SourcePos } from '../ir/types.js';

export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** Where each key and value of the loaded documents was written. */
export class SourceMap {
  private readonly keys = new WeakMap<object, Map<string, Pos>>();
  private readonly values = new WeakMap<object, Map<string | number, Pos>>();
  private readonly starts = new WeakMap<object, Pos>();

  constructor(readonly file: string) {}

  /** Position of a key in a mapping. */
  key(container: object, key: string): Pos | undefined {
    return this.keys.get(container)?.get(key);
  }
  /** Position of a value in a mapping (by key) or a sequence (by index). */
  value(container: object, keyOrIndex: string | number): Pos | undefined {
    return this.values.get(container)?.get(keyOrIndex);
  }
  /** Position where a mapping or sequence starts. */
  start(node: object): Pos | undefined {
    return this.starts.get(node);
  }
  /** Best position for a container entry: the key if it is a mapping, else the value. */
  entry(container: object, keyOrIndex: string | number): Pos | undefined {
    return (typeof keyOrIndex === 'string' ? this.key(container, keyOrIndex) : undefined) ?? this.value(container, keyOrIndex);
  }
  at(pos: Pos | undefined): SourcePos {
    return { file: this.file, line: pos?.line ?? 1, column: pos?.column ?? 1 };
  }

  /** @internal */
  record(kind: 'key' | 'value', container: object, k: string | number, pos: Pos): void {
    if (kind === 'key') {
      let m = this.keys.get(container);
      if (!m) this.keys.set(container, (m = new Map()));
      if (!m.has(k as string)) m.set(k as string, pos);
    } else {
      let m = this.values.get(container);
      if (!m) this.values.set(container, (m = new Map()));
      if (!m.has(k)) m.set(k, pos);
    }
  }
  /** @internal */
  recordStart(node: object, pos: Pos): void {
    if (!this.starts.has(node)) this.starts.set(node, pos);
  }
}

export interface YamlDocument {
  readonly value: unknown;
  /** Where the document's content starts. */
  readonly pos: Pos;
}

export interface YamlError {
  readonly message: string;
  readonly pos: Pos;
  readonly code: string;
}

export type YamlLoadResult =
  | { readonly ok: true; readonly documents: readonly YamlDocument[]; readonly map: SourceMap; readonly duplicateKey?: Pos }
  | { readonly ok: false; readonly error: YamlError };

interface RawNode {
  start: number;
  end: number;
  result: unknown;
  kind: string | null;
  children: RawNode[];
}

interface ListenerState {
  position: number;
  result: unknown;
  kind: string | null;
}

/** Offsets → line/column (1-based), by binary search over line starts. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  pos(offset: number): Pos {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }
  /** Offset of the first significant character at or after `offset` (skips blanks and `- `). */
  skipBlank(offset: number): number {
    const t = this.text;
    let i = offset;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 35 /* # */) {
        while (i < t.length && t.charCodeAt(i) !== 10) i++;
      } else break;
      if (i >= t.length) return offset;
    }
    return i;
  }
}

const MAX_NODES = 2_000_000;

/** Loads every document of a YAML text; never throws. */
export interface YamlOptions {
  /**
   * Let a repeated key replace the earlier one (PyYAML's safe_load, which pySigma's collection
   * loader uses) instead of failing; the result then carries the first duplicate's position.
   */
  readonly allowDuplicateKeys?: boolean;
}

export function loadYaml(text: string, file: string, opts: YamlOptions = {}): YamlLoadResult {
  const first = loadYamlOnce(text, file, false);
  if (first.ok || !opts.allowDuplicateKeys || first.error.message !== 'duplicated mapping key') return first;
  const again = loadYamlOnce(text, file, true);
  return again.ok ? { ...again, duplicateKey: first.error.pos } : again;
}

function loadYamlOnce(text: string, file: string, json: boolean): YamlLoadResult {
  const lines = new LineIndex(text);
  const roots: RawNode[] = [];
  const stack: RawNode[] = [];
  let count = 0;
  let tooMany = false;
  const listener = (type: 'open' | 'close', state: ListenerState): void => {
    if (type === 'open') {
      if (++count > MAX_NODES) {
        tooMany = true;
        throw new Error('too many YAML nodes');
      }
      stack.push({ start: state.position, end: state.position, result: undefined, kind: null, children: [] });
    } else {
      const node = stack.pop();
      if (!node) return;
      node.end = state.position;
      node.result = state.result;
      node.kind = state.kind;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
  };
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA, filename: file, listener, json });
  } catch (err) {
    if (tooMany) return { ok: false, error: { code: 'YAML_TOO_LARGE', message: `document has more than ${MAX_NODES} YAML nodes`, pos: { line: 1, column: 1 } } };
    if (err instanceof RangeError) {
      return { ok: false, error: { code: 'YAML_TOO_DEEP', message: 'YAML nesting is too deep to load', pos: lines.pos(stack[stack.length - 1]?.start ?? 0) } };
    }
    const e = err as { reason?: string; message?: string; mark?: { line: number; column: number } };
    const pos = e.mark ? { line: e.mark.line + 1, column: e.mark.column + 1 } : { line: 1, column: 1 };
    return { ok: false, error: { code: 'YAML_SYNTAX', message: e.reason ?? e.message ?? String(err), pos } };
  }
  const map = new SourceMap(file);
  const documents: YamlDocument[] = [];
  // Each document's root is the last top-level node whose result is that document.
  const unwrap = (n: RawNode): RawNode => {
    let cur = n;
    while (cur.children.length === 1 && cur.children[0]!.result === cur.result) cur = cur.children[0]!;
    return cur;
  };
  const posOf = (n: RawNode): Pos => lines.pos(lines.skipBlank(n.start));
  // Iterative indexing: nesting may be deep.
  // js-yaml opens a node per document that it never closes: their children are the documents.
  const topNodes = [...roots, ...stack.flatMap((n) => n.children)].sort((a, b) => a.start - b.start);
  const work: RawNode[] = [...topNodes];
  const visited = new WeakSet<object>();
  while (work.length) {
    const node = unwrap(work.pop()!);
    const res = node.result;
    if (res !== null && typeof res === 'object') {
      if (visited.has(res)) continue; // an alias: indexed where it was defined
      visited.add(res);
      map.recordStart(res, posOf(node));
      const kids = node.children.map(unwrap);
      // A block mapping ends with an attempt to read one more key: an empty null node.
      const last = kids[kids.length - 1];
      if (node.kind === 'mapping' && kids.length % 2 === 1 && last && last.result === null && last.start === last.end) kids.pop();
      if (Array.isArray(res)) {
        if (kids.length === res.length) {
          kids.forEach((k, i) => map.record('value', res, i, posOf(k)));
        }
      } else if (node.kind === 'mapping' && kids.length % 2 === 0) {
        for (let i = 0; i + 1 < kids.length; i += 2) {
          const k = kids[i]!;
          const key = String(k.result);
          map.record('key', res, key, posOf(k));
          map.record('value', res, key, posOf(kids[i + 1]!));
        }
      }
      for (const k of kids) work.push(k);
    }
  }
  // Document start positions: the top-level nodes in order, one per document.
  const tops = topNodes.map(unwrap);
  docs.forEach((value, i) => {
    const top = tops.find((t) => t.result === value) ?? tops[i];
    documents.push({ value, pos: top ? posOf(top) : { line: 1, column: 1 } });
  });
  return { ok: true, documents, map };
}
