/**
 * `readEvents`: one entry point for every log shape. Opens a file (or `-` for stdin), un-gzips it
 * when the first bytes are gzip's magic, detects the format from the first 64 KiB (or uses the
 * forced one), and streams canonical events. Bad records become ReadErrors (file + line or
 * record + message): reported through `onError`, counted in `stats`, and skipped; with `strict`
 * the first one is thrown as a `ReadFailure`.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { CanonicalEvent, EventSource, FieldValue } from './event.js';
import { EvtxSplitter, type EvtxItem } from './evtx.js';
import { addCategoryAliases, eventTime } from './fields.js';
import { expandJsonValue, normalizeJsonRecord, type JsonShape } from './json.js';
import { ByteLineSplitter, CsvRowSplitter, JsonValueSplitter, LineSplitter, XmlEventSplitter, type Piece } from './split.js';
import { parseEventXml, XmlError } from './xml.js';
import { detectFormatFromBytes, isGzipMagic, type DetectedFormat, type LogFormat } from './detect.js';
import { isZipMagic, zipEntries, zipEntryBytes, type ZipEntry } from './zip.js';

export interface ReadError {
  readonly file: string;
  readonly line?: number;
  readonly record?: number;
  readonly message: string;
}

/** Thrown in strict mode (and for unreadable files): carries the first ReadError. */
export class ReadFailure extends Error {
  constructor(readonly error: ReadError) {
    super(formatReadError(error));
    this.name = 'ReadFailure';
  }
}

export function formatReadError(e: ReadError): string {
  const loc = e.line !== undefined ? `:${e.line}` : e.record !== undefined ? ` record ${e.record}` : '';
  return `${e.file}${loc}: ${e.message}`;
}

export interface ReadStats {
  files: number;
  events: number;
  errors: number;
  /** Format used per file (detected or forced). */
  formats: Record<string, DetectedFormat>;
}

export function newReadStats(): ReadStats {
  return { files: 0, events: 0, errors: 0, formats: Object.create(null) as Record<string, DetectedFormat> };
}

export interface ReadOptions {
  /** Force a format (default: detect per file). */
  format?: LogFormat;
  /** Stop at the first bad record (throws ReadFailure). */
  strict?: boolean;
  onError?: (e: ReadError) => void;
  /** Updated as events and errors are read. */
  stats?: ReadStats;
  /**
   * Called after each block read from disk (before decompression): bytes read so far and the
   * file size (absent for stdin), for progress bars.
   */
  onProgress?: (p: ReadProgress) => void;
}

export interface ReadProgress {
  readonly file: string;
  readonly bytes: number;
  readonly totalBytes?: number;
}

const SNIFF_BYTES = 64 * 1024;

/** Read size: 256 KiB measured best over NDJSON, XML and EVTX together (64 KiB to 1 MiB tried). */
const READ_CHUNK = 1 << 18;

async function* rawBytes(path: string, onProgress?: (p: ReadProgress) => void): AsyncGenerator<Buffer> {
  const src: AsyncIterable<Buffer | string> = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK });
  let totalBytes: number | undefined;
  if (onProgress && path !== '-') {
    try {
      totalBytes = (await stat(path)).size;
    } catch {
      // the read below reports it
    }
  }
  let bytes = 0;
  for await (const b of src) {
    const buf = typeof b === 'string' ? Buffer.from(b) : b;
    if (onProgress) {
      bytes += buf.length;
      onProgress(totalBytes === undefined ? { file: path, bytes } : { file: path, bytes, totalBytes });
    }
    yield buf;
  }
}

/** The bytes, gunzipped when they start with gzip's magic (1f 8b). */
async function* plainBytes(src: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const it = src[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  if (isGzipMagic(head)) {
    const gun = Readable.from(rest()).pipe(createGunzip());
    for await (const b of gun) yield b as Buffer;
  } else {
    yield* rest();
  }
}

/** Peek the first bytes (up to SNIFF_BYTES) and return them with a stream of all bytes. */
async function sniff(bytes: AsyncGenerator<Buffer>): Promise<{ head: Buffer; all: AsyncGenerator<Buffer> }> {
  const got: Buffer[] = [];
  let n = 0;
  let done = false;
  while (n < SNIFF_BYTES) {
    const r = await bytes.next();
    if (r.done) { done = true; break; }
    got.push(r.value);
    n += r.value.length;
  }
  const head = Buffer.concat(got, n);
  const all = async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await bytes.next();
      if (r.done) return;
      yield r.value;
    }
  };
  return { head: head.subarray(0, SNIFF_BYTES), all: all() };
}

/**
 * Bytes → text in pieces of at most 64 KiB: V8 makes a longer string in its large-object space,
 * which cost 10× more per byte here (decoding 140 MB of XML: 490 ms in 256 KiB pieces, 35 ms in
 * 64 KiB ones), and every later copy of it too. UTF-8 is cut at character boundaries (an
 * incomplete sequence waits for the next bytes), so the text is what decoding it all at once
 * gives, invalid bytes included; UTF-16LE goes through StringDecoder.
 */
const TEXT_PIECE = 1 << 16;

export async function* decodeText(bytes: AsyncIterable<Buffer>, encoding: 'utf-8' | 'utf-16le'): AsyncGenerator<string> {
  let first = true;
  const out = (s: string): string => {
    if (first && s.length > 0) {
      first = false;
      if (s.charCodeAt(0) === 0xfeff) return s.slice(1);
    }
    return s;
  };
  if (encoding === 'utf-16le') {
    const dec = new StringDecoder('utf16le');
    for await (const b of bytes) {
      for (let a = 0; a < b.length; a += TEXT_PIECE) {
        const s = out(dec.write(b.subarray(a, a + TEXT_PIECE)));
        if (s.length > 0) yield s;
      }
    }
    const tail = out(dec.end());
    if (tail.length > 0) yield tail;
    return;
  }
  let carry: Buffer | undefined;
  for await (const chunk of bytes) {
    const b = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let a = 0;
    while (a < b.length) {
      const to = utf8Boundary(b, a, Math.min(b.length, a + TEXT_PIECE));
      if (to <= a) break; // only an incomplete character left: it waits for more bytes
      const s = out(b.toString('utf8', a, to));
      if (s.length > 0) yield s;
      a = to;
    }
    if (a < b.length) carry = Buffer.from(b.subarray(a));
  }
  if (carry) {
    const s = out(carry.toString('utf8'));
    if (s.length > 0) yield s;
  }
}

/**
 * Where to end a piece b[from, to): `to`, or the start of the last character when its bytes run
 * past `to` (the next piece, or the next chunk, takes it). Invalid bytes are left to toString
 * (U+FFFD), as when decoding everything at once.
 */
function utf8Boundary(b: Buffer, from: number, to: number): number {
  // Back up over at most 3 continuation bytes to the lead byte of the last character.
  let i = to - 1;
  let k = 0;
  while (i >= from && k < 3 && (b[i]! & 0xc0) === 0x80) { i--; k++; }
  if (i < from) return to;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return to - i < need ? i : to;
}

/**
 * Read canonical events from one file (`-` = stdin). A .zip (detected by its magic) is read
 * entry by entry; events from an entry carry `file` = `archive.zip!entry`.
 */
export async function* readEvents(path: string, opts: ReadOptions = {}): AsyncGenerator<CanonicalEvent> {
  for await (const batch of readEventBatches(path, opts)) yield* batch;
}

/**
 * The same events as `readEvents`, up to 128 at a time: the fast
 * path for callers that process many events, since every `for await` step costs a promise.
 */
export async function* readEventBatches(path: string, opts: ReadOptions = {}): AsyncGenerator<CanonicalEvent[]> {
  if (path !== '-' && (await startsWithZipMagic(path))) {
    if (opts.stats) {
      opts.stats.files++;
      opts.stats.formats[path] = { format: 'zip', encoding: 'utf-8', forced: false };
    }
    let entries: ZipEntry[];
    try {
      entries = await zipEntries(path);
    } catch (e) {
      const err = { file: path, message: `cannot read zip: ${errText(e)}` };
      if (opts.stats) opts.stats.errors++;
      opts.onError?.(err);
      throw new ReadFailure(err);
    }
    for (const e of entries) {
      // Folders and macOS metadata (__MACOSX/, ._name resource forks) hold no events.
      const base = e.name.slice(e.name.lastIndexOf('/') + 1);
      if (e.name.endsWith('/') || e.name.startsWith('__MACOSX/') || base.startsWith('._')) continue;
      yield* readStream(`${path}!${e.name}`, () => zipEntryBytes(path, e), opts);
    }
    return;
  }
  yield* readStream(path, () => rawBytes(path, opts.onProgress), opts);
}

async function startsWithZipMagic(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    try {
      const b = Buffer.alloc(4);
      const { bytesRead } = await fh.read(b, 0, 4, 0);
      return bytesRead === 4 && isZipMagic(b);
    } finally {
      await fh.close();
    }
  } catch {
    return false; // unreadable: readStream reports it
  }
}

/** A canonical event from a reader's fields: category aliases added, time from the fields unless given. */
export function toCanonical(fields: Record<string, FieldValue>, source: EventSource, time?: number): CanonicalEvent {
  addCategoryAliases(fields);
  const t = time ?? eventTime(fields);
  return t === undefined ? { fields, source } : { fields, time: t, source };
}

/** An EVTX item of `file`: its canonical event to `onEvent`, or its ReadError to `onError`. */
export function evtxItem(it: EvtxItem, file: string, onEvent: (e: CanonicalEvent) => void, onError: (e: ReadError) => void): void {
  if (it.kind === 'event') onEvent(toCanonical(it.fields, { file, record: it.record }));
  else onError(it.record === undefined ? { file, message: it.message } : { file, record: it.record, message: it.message });
}

/**
 * JSON text pieces (lines, values, or CSV rows turned into objects with the header row) →
 * canonical events and errors. `records` counts the records seen (errors carry that number).
 * Used by `readEventBatches` and by parallel hunting's workers, which read lines chunk by chunk.
 */
export class JsonPieces {
  records = 0;
  private header: string[] | undefined;

  constructor(
    private readonly path: string,
    private readonly shape: JsonShape | undefined,
    private readonly mode: 'lines' | 'values' | 'csv',
    private readonly onEvent: (e: CanonicalEvent) => void,
    private readonly fail: (e: ReadError) => void,
  ) {}

  piece(p: Piece): void {
    const path = this.path;
    if (p.kind === 'error') { this.records++; this.fail({ file: path, line: p.line, record: this.records, message: p.message }); return; }
    let value: unknown;
    try {
      value = JSON.parse(p.text);
      if (this.mode === 'csv') {
        const row = value as string[];
        if (!this.header) { this.header = row; return; }
        const o: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        this.header.forEach((h, k) => { if (k < row.length) o[h] = row[k]; });
        value = o;
      }
    } catch (e) {
      this.records++;
      this.fail({ file: path, line: p.line, record: this.records, message: `invalid JSON: ${errText(e)}` });
      return;
    }
    for (const rec of expandJsonValue(value)) {
      this.records++;
      let n;
      try {
        n = normalizeJsonRecord(rec, this.shape);
      } catch (e) {
        this.fail({ file: path, line: p.line, record: this.records, message: errText(e) });
        continue;
      }
      const src: EventSource = this.mode === 'values' ? { file: path, line: p.line, record: this.records } : { file: path, line: p.line };
      this.onEvent(toCanonical(n.fields, src, n.time));
    }
  }
}

/**
 * The format of a regular file and its first 64 KiB, when the file can be read in chunks by
 * parallel hunting: not stdin, not zip, not gzip (those stream through `readEventBatches`).
 */
export async function detectPlainFile(path: string, format?: LogFormat): Promise<{ detected: DetectedFormat; head: Buffer } | undefined> {
  if (path === '-') return undefined;
  let fh;
  try {
    fh = await open(path, 'r');
    const b = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(b, 0, SNIFF_BYTES, 0);
    const head = b.subarray(0, bytesRead);
    if (isZipMagic(head) || isGzipMagic(head)) return undefined;
    return { detected: detectFormatFromBytes(head, format), head };
  } catch {
    return undefined; // unreadable: the ordinary reader reports it
  } finally {
    await fh?.close();
  }
}

/**
 * Events per batch. Small on purpose: a batch's events outlive a young-generation GC when it holds
 * thousands (EVTX read 25 % slower at 1,024 than at 128); at 128 the promise per batch is noise.
 */
const BATCH = 128;

async function* readStream(path: string, source: () => AsyncGenerator<Buffer>, opts: ReadOptions): AsyncGenerator<CanonicalEvent[]> {
  const stats = opts.stats;
  const fail = (e: ReadError): void => {
    if (stats) stats.errors++;
    opts.onError?.(e);
    if (opts.strict) throw new ReadFailure(e);
  };
  if (stats) stats.files++;
  let bytes: AsyncGenerator<Buffer>;
  let head: Buffer;
  try {
    const s = await sniff(plainBytes(source()));
    bytes = s.all;
    head = s.head;
  } catch (e) {
    const err = { file: path, message: `cannot read: ${errText(e)}` };
    if (stats) stats.errors++;
    opts.onError?.(err);
    throw new ReadFailure(err);
  }
  const detected = detectFormatFromBytes(head, opts.format);
  if (stats) stats.formats[path] = detected;
  let batch: CanonicalEvent[] = [];
  const take = (): CanonicalEvent[] => { const b = batch; batch = []; return b; };
  const emit = (fields: Record<string, FieldValue>, source: EventSource): CanonicalEvent => {
    if (stats) stats.events++;
    return toCanonical(fields, source);
  };
  /**
   * Every format the same way: input chunks through a splitter, each piece handled (events go into
   * `batch`), a batch handed out when full and at the end of each chunk.
   */
  const drive = async function* <C, P>(chunks: AsyncIterable<C>, sp: { push(c: C): P[]; end(): P[] }, each: (p: P) => void): AsyncGenerator<CanonicalEvent[]> {
    for await (const chunk of chunks) {
      for (const p of sp.push(chunk)) { each(p); if (batch.length >= BATCH) yield take(); }
      if (batch.length > 0) yield take();
    }
    for (const p of sp.end()) { each(p); if (batch.length >= BATCH) yield take(); }
    if (batch.length > 0) yield take();
  };
  try {
    if (detected.format === 'evtx') {
      const onEvent = (e: CanonicalEvent): void => { if (stats) stats.events++; batch.push(e); };
      yield* drive(bytes, new EvtxSplitter(), (it) => evtxItem(it, path, onEvent, fail));
      return;
    }
    if (detected.format === 'zip') {
      fail({ file: path, message: 'a zip inside a zip (or zip data on stdin) is not supported: pass the archive file itself' });
      return;
    }
    if (detected.format === 'unknown') {
      fail({ file: path, message: 'cannot detect the log format (use --format)' });
      return;
    }
    const utf8Lines = detected.format === 'json' && detected.jsonLayout === 'lines' && detected.encoding === 'utf-8';
    const text = utf8Lines ? undefined : decodeText(bytes, detected.encoding);
    if (detected.format === 'xml' && text) {
      const sp = new XmlEventSplitter();
      const onPiece = (p: Piece): void => {
        if (p.kind === 'error') { fail({ file: path, line: p.line, message: p.message }); return; }
        try {
          batch.push(emit(parseEventXml(p.text), { file: path, line: p.line }));
        } catch (e) {
          const line = e instanceof XmlError ? p.line + countLines(p.text, e.offset) : p.line;
          fail({ file: path, line, message: `malformed event XML: ${errText(e)}` });
        }
      };
      yield* drive(text, sp, onPiece);
      return;
    }
    // JSON shapes (and CSV rows, turned into objects with the header row)
    const shape: JsonShape | undefined = detected.shape === 'json-auto' ? undefined : detected.shape;
    const mode = detected.format === 'csv' ? 'csv' : detected.jsonLayout === 'lines' ? 'lines' : 'values';
    const sp = mode === 'csv' ? new CsvRowSplitter() : mode === 'lines' ? new LineSplitter() : new JsonValueSplitter();
    const pieces = new JsonPieces(path, shape, mode, (e) => { if (stats) stats.events++; batch.push(e); }, fail);
    const onPiece = (p: Piece): void => pieces.piece(p);
    if (text) yield* drive(text, sp, onPiece);
    else yield* drive(bytes, new ByteLineSplitter(), onPiece);
  } catch (e) {
    // Events read before a failure are still delivered (--strict stops after them).
    if (batch.length > 0) yield take();
    if (e instanceof ReadFailure) throw e;
    // Stream-level failure (corrupt gzip, I/O error): report and stop this file.
    fail({ file: path, message: `read failed: ${errText(e)}` });
  }
}

function countLines(s: string, upTo: number): number {
  let n = 0;
  let i = s.indexOf('\n');
  while (i >= 0 && i < upTo) { n++; i = s.indexOf('\n', i + 1); }
  return n;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Read several files one after the other, sharing options and stats. */
export async function* readAllEvents(paths: readonly string[], opts: ReadOptions = {}): AsyncGenerator<CanonicalEvent> {
  for (const p of paths) yield* readEvents(p, opts);
}
