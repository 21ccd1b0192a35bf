/**
 * Push-style splitters that cut a decoded text stream into records, keeping memory bounded by
 * the largest record (capped) rather than the input. Each `push(chunk)` returns the pieces
 * completed so far; `end()` flushes. Scanning uses indexOf / charCodeAt loops only, each byte
 * visited a bounded number of times, so hostile input costs linear time.
 */

export type Piece =
  | { kind: 'item'; text: string; line: number }
  | { kind: 'error'; line: number; message: string };

/** Largest single record accepted (an event with a few 1 MB fields fits easily). */
export const MAX_RECORD_CHARS = 32 * 1024 * 1024;

/** Newlines in s[from, to): never looks past `to` (indexOf would scan on to the next newline,
 * which on wevtutil's single-line output is the end of the buffer, every time). */
function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * `<Event …>…</Event>` elements anywhere in the text: a single event, an `<Events>` wrapper,
 * wevtutil's root-less concatenation, the Event Viewer copy, or events embedded in other text
 * (a markdown file). Text between events is ignored. An `<Event` that starts before the
 * previous one closed marks the previous one as truncated (reported, then skipped).
 */
export class XmlEventSplitter {
  constructor(private readonly max = MAX_RECORD_CHARS) {}
  private buf = '';
  /** Line number of buf[0]. */
  private bufLine = 1;
  /** Start of the current event in buf, or -1 while looking for one. */
  private start = -1;
  /** Where to resume searching for `</Event>` / `<Event`. */
  private scan = 0;
  private skipping = false;
  private lcPos = 0;
  private lcLine = 1;

  push(chunk: string): Piece[] {
    this.buf += chunk;
    const out: Piece[] = [];
    let pos = 0; // consumed prefix of buf
    for (;;) {
      if (this.start < 0) {
        const s = this.findStart(this.scan);
        if (s === -2) { pos = Math.max(pos, this.buf.length - 8); this.scan = 0; break; }
        if (s === -1) { pos = Math.max(pos, this.buf.length - 7); this.scan = 0; break; }
        this.start = s;
        this.scan = s + 6;
      }
      const end = this.buf.indexOf('</Event>', this.scan);
      const next = this.findStart(this.scan, end < 0 ? undefined : end);
      if (next >= 0) {
        // A new <Event begins before this one ended: this one is truncated.
        if (!this.skipping) out.push({ kind: 'error', line: this.lineAt(this.start), message: 'truncated <Event> (a new <Event> starts before </Event>)' });
        this.skipping = false;
        this.start = next;
        this.scan = next + 6;
        continue;
      }
      if (end < 0) {
        this.scan = Math.max(this.start + 6, this.buf.length - 8);
        if (this.buf.length - this.start > this.max) {
          if (!this.skipping) out.push({ kind: 'error', line: this.lineAt(this.start), message: `<Event> larger than ${this.max} characters: skipped` });
          this.skipping = true;
          // Keep only the tail so memory stays bounded while we look for the end.
          const keep = this.buf.length - 8;
          this.bufLine = this.lineAt(keep);
          this.buf = this.buf.slice(keep);
          this.lcPos = 0;
          this.lcLine = this.bufLine;
          this.start = 0;
          this.scan = 0;
          pos = 0;
        }
        break;
      }
      if (this.skipping) {
        this.skipping = false;
      } else if (end + 8 - this.start > this.max) {
        out.push({ kind: 'error', line: this.lineAt(this.start), message: `<Event> larger than ${this.max} characters: skipped` });
      } else {
        out.push({ kind: 'item', text: this.buf.slice(this.start, end + 8), line: this.lineAt(this.start) });
      }
      this.start = -1;
      this.scan = end + 8;
      pos = end + 8;
    }
    if (this.start >= 0) pos = Math.min(pos, this.start);
    if (pos > 0) {
      this.bufLine = this.lineAt(pos);
      this.buf = this.buf.slice(pos);
      this.lcPos = 0;
      this.lcLine = this.bufLine;
      if (this.start >= 0) this.start -= pos;
      this.scan = Math.max(0, this.scan - pos);
    }
    return out;
  }

  end(): Piece[] {
    const out = this.push('');
    if (this.start >= 0 && !this.skipping) {
      out.push({ kind: 'error', line: this.lineAt(this.start), message: 'unexpected end of input inside <Event> (truncated file?)' });
    }
    this.buf = '';
    this.start = -1;
    return out;
  }

  /** Line of buf[i], counted incrementally from the last asked position. */
  private lineAt(i: number): number {
    if (i < this.lcPos) {
      this.lcPos = 0;
      this.lcLine = this.bufLine;
    }
    this.lcLine += countNewlines(this.buf, this.lcPos, i);
    this.lcPos = i;
    return this.lcLine;
  }

  /**
   * Index of the next `<Event` followed by whitespace, `>` or `/` (so `<Events>` is not one);
   * -1 none; -2 a candidate at the very end whose next character has not arrived yet.
   */
  private findStart(from: number, before?: number): number {
    let i = this.buf.indexOf('<Event', from);
    while (i >= 0 && (before === undefined || i < before)) {
      const c = this.buf.charCodeAt(i + 6);
      if (Number.isNaN(c)) return -2;
      if (c === 62 || c === 47 || c === 32 || c === 9 || c === 10 || c === 13) return i;
      i = this.buf.indexOf('<Event', i + 6);
    }
    return -1;
  }
}

/** Newline-delimited records (NDJSON). Blank lines are skipped; `\r\n` accepted. */
export class LineSplitter {
  constructor(private readonly max = MAX_RECORD_CHARS) {}
  private buf = '';
  private line = 1;
  private skipping = false;

  push(chunk: string): Piece[] {
    this.buf += chunk;
    const out: Piece[] = [];
    let pos = 0;
    for (;;) {
      const nl = this.buf.indexOf('\n', pos);
      if (nl < 0) break;
      if (this.skipping) this.skipping = false;
      else this.emit(this.buf.slice(pos, nl), out);
      this.line++;
      pos = nl + 1;
    }
    this.buf = pos > 0 ? this.buf.slice(pos) : this.buf;
    if (this.buf.length > this.max) {
      if (!this.skipping) out.push({ kind: 'error', line: this.line, message: `line longer than ${this.max} characters: skipped` });
      this.skipping = true;
      this.buf = '';
    }
    return out;
  }

  end(): Piece[] {
    const out = this.push('');
    if (!this.skipping && this.buf.length > 0) this.emit(this.buf, out);
    this.buf = '';
    return out;
  }

  private emit(text: string, out: Piece[]): void {
    let a = 0;
    let b = text.length;
    while (a < b && isWs(text.charCodeAt(a))) a++;
    while (b > a && isWs(text.charCodeAt(b - 1))) b--;
    if (b - a > this.max) out.push({ kind: 'error', line: this.line, message: `line longer than ${this.max} characters: skipped` });
    else if (a < b) out.push({ kind: 'item', text: a === 0 && b === text.length ? text : text.slice(a, b), line: this.line });
  }
}

/**
 * NDJSON straight from UTF-8 bytes: a newline byte never occurs inside a multi-byte UTF-8
 * sequence, so lines are cut on bytes and only each line is decoded (faster than decoding the
 * whole stream and slicing strings).
 */
export class ByteLineSplitter {
  /**
   * `line`: the number of the first line (a chunk of a file read in parallel starts later);
   * `atFileStart`: a UTF-8 byte order mark at the start is skipped (only a file's own start).
   */
  constructor(private readonly max = MAX_RECORD_CHARS, line = 1, atFileStart = true) {
    this.line = line;
    this.first = atFileStart;
  }
  /** Bytes of the unfinished line, kept as a list so a long line is copied once. */
  private parts: Buffer[] = [];
  private partsLen = 0;
  private line: number;
  private skipping = false;
  private first: boolean;

  push(chunk: Buffer): Piece[] {
    const out: Piece[] = [];
    let buf = chunk;
    if (this.first && buf.length > 0) {
      this.first = false;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      if (this.skipping) {
        this.skipping = false;
      } else if (this.partsLen > 0) {
        this.parts.push(buf.subarray(pos, nl));
        const whole = Buffer.concat(this.parts);
        this.emit(whole, 0, whole.length, out);
      } else {
        this.emit(buf, pos, nl, out);
      }
      this.parts = [];
      this.partsLen = 0;
      this.line++;
      pos = nl + 1;
    }
    if (pos < buf.length && !this.skipping) {
      this.parts.push(Buffer.from(buf.subarray(pos)));
      this.partsLen += buf.length - pos;
      if (this.partsLen > this.max) {
        out.push({ kind: 'error', line: this.line, message: `line longer than ${this.max} bytes: skipped` });
        this.skipping = true;
        this.parts = [];
        this.partsLen = 0;
      }
    }
    return out;
  }

  end(): Piece[] {
    const out: Piece[] = [];
    if (this.partsLen > 0 && !this.skipping) {
      const whole = Buffer.concat(this.parts);
      this.emit(whole, 0, whole.length, out);
    }
    this.parts = [];
    this.partsLen = 0;
    return out;
  }

  /** The number of the line being read (1 + the newlines seen so far, from the first line). */
  get lineNumber(): number {
    return this.line;
  }

  private emit(b: Buffer, a: number, e: number, out: Piece[]): void {
    while (a < e && (b[a] === 32 || b[a] === 9 || b[a] === 13)) a++;
    while (e > a && (b[e - 1] === 32 || b[e - 1] === 9 || b[e - 1] === 13)) e--;
    if (e - a > this.max) out.push({ kind: 'error', line: this.line, message: `line longer than ${this.max} bytes: skipped` });
    else if (a < e) out.push({ kind: 'item', text: b.toString('utf8', a, e), line: this.line });
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/**
 * JSON values in a stream: the elements of a top-level array (`[ {...}, {...} ]`), or a sequence
 * of top-level values (pretty-printed objects one after another, evtx_dump's `Record N` lines
 * between them are skipped). Tracks strings and escapes, so brackets inside strings are safe.
 * Values nested deeper than `maxDepth` are reported and skipped without being parsed.
 */
export class JsonValueSplitter {
  private buf = '';
  private bufLine = 1;
  private i = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Start of the current value in buf, or -1. */
  private vstart = -1;
  private vline = 0;
  private tooDeep = false;
  /** 0: not decided, 1: inside a top-level array wrapper, 2: top-level sequence. */
  private mode = 0;
  private arrayClosed = false;

  constructor(private readonly maxDepth = 512, private readonly max = MAX_RECORD_CHARS) {}

  push(chunk: string): Piece[] {
    this.buf += chunk;
    const out: Piece[] = [];
    const s = this.buf;
    const n = s.length;
    let i = this.i;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92) this.escape = true;
        else if (c === 34) {
          this.inString = false;
          if (this.depth === this.base()) this.finish(i + 1, out);
        }
        continue;
      }
      if (c === 10) { this.bufLine++; continue; }
      if (isWs(c)) continue;
      const base = this.base();
      if (this.depth === base && this.vstart < 0) {
        if (this.mode === 0) {
          this.mode = c === 91 /* [ */ ? 1 : 2;
          if (this.mode === 1) { this.depth = 1; continue; }
        }
        if (this.mode === 1 && this.arrayClosed) continue;
        if (c === 44 /* , */ && this.mode === 1) continue;
        if (c === 93 /* ] */ && this.mode === 1) { this.arrayClosed = true; this.depth = 0; continue; }
        if (this.mode === 2 && c !== 123 && c !== 91) {
          // Junk between top-level values (e.g. evtx_dump "Record 12"): skip to end of line.
          const nl = s.indexOf('\n', i);
          if (nl < 0) { i = n; break; }
          i = nl - 1;
          continue;
        }
        this.vstart = i;
        this.vline = this.bufLine;
        this.tooDeep = false;
      }
      if (c === 34) { this.inString = true; continue; }
      if (c === 123 || c === 91) {
        this.depth++;
        if (this.depth - base > this.maxDepth) this.tooDeep = true;
        continue;
      }
      if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth < base) { // stray closer
          out.push({ kind: 'error', line: this.bufLine, message: 'unbalanced closing bracket' });
          this.depth = base;
          this.vstart = -1;
          continue;
        }
        if (this.depth === base) this.finish(i + 1, out);
        continue;
      }
      if (this.depth === base && this.mode === 1 && (c === 44 || c === 93)) {
        // end of a scalar array element
        this.finish(i, out);
        if (c === 93) { this.arrayClosed = true; this.depth = 0; }
      }
    }
    this.i = i;
    // Drop what is consumed; keep the current value (bounded).
    const keepFrom = this.vstart >= 0 ? this.vstart : this.i;
    if (keepFrom > 0) {
      this.buf = this.buf.slice(keepFrom);
      this.i -= keepFrom;
      if (this.vstart >= 0) this.vstart -= keepFrom;
    }
    if (this.vstart >= 0 && this.buf.length > this.max) {
      out.push({ kind: 'error', line: this.vline, message: `JSON value larger than ${this.max} characters: skipped` });
      this.resync();
    }
    return out;
  }

  end(): Piece[] {
    const out = this.push('');
    if (this.vstart >= 0) {
      const tail = this.buf.slice(this.vstart);
      if (this.mode === 1 && !this.inString && this.depth === 1) this.finish(this.buf.length, out);
      else out.push({ kind: 'error', line: this.vline, message: `unexpected end of input inside a JSON value (${tail.length} characters)` });
    } else if (this.mode === 1 && !this.arrayClosed) {
      out.push({ kind: 'error', line: this.bufLine, message: 'unexpected end of input: JSON array not closed' });
    }
    this.buf = '';
    this.vstart = -1;
    return out;
  }

  private base(): number {
    return this.mode === 1 ? 1 : 0;
  }

  private finish(endIdx: number, out: Piece[]): void {
    if (this.vstart < 0) return;
    if (this.tooDeep) out.push({ kind: 'error', line: this.vline, message: `JSON nested deeper than ${this.maxDepth} levels: skipped` });
    else if (endIdx - this.vstart > this.max) out.push({ kind: 'error', line: this.vline, message: `JSON value larger than ${this.max} characters: skipped` });
    else out.push({ kind: 'item', text: this.buf.slice(this.vstart, endIdx), line: this.vline });
    this.vstart = -1;
  }

  /** After an oversized value: drop it and continue at the next line that starts a value. */
  private resync(): void {
    this.buf = '';
    this.i = 0;
    this.vstart = -1;
    this.inString = false;
    this.escape = false;
    this.depth = this.base();
  }
}

/**
 * CSV rows (RFC 4180: quoted fields may hold commas, quotes doubled, and newlines), as exported
 * by Splunk (with `_raw`) and the Sentinel / Log Analytics portal. Each row is emitted as a JSON
 * array text so the JSON path parses it; the reader pairs it with the header row.
 */
export class CsvRowSplitter {
  private buf = '';
  private i = 0;
  private inQuotes = false;
  private rowStart = 0;
  private line = 1;
  private rowLine = 1;
  private fields: string[] = [];
  private fieldStart = 0;

  constructor(private readonly max = MAX_RECORD_CHARS) {}

  push(chunk: string): Piece[] {
    this.buf += chunk;
    const out: Piece[] = [];
    const s = this.buf;
    let i = this.i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (this.inQuotes) {
        if (c === 34) {
          if (i + 1 >= s.length) break; // need the next char to tell "" from a closing quote
          if (s.charCodeAt(i + 1) === 34) i++;
          else this.inQuotes = false;
        } else if (c === 10) this.line++;
        continue;
      }
      if (c === 34) { this.inQuotes = true; continue; }
      if (c === 44) { this.fields.push(unquote(s.slice(this.fieldStart, i))); this.fieldStart = i + 1; continue; }
      if (c === 10) {
        const end = i > 0 && s.charCodeAt(i - 1) === 13 ? i - 1 : i;
        this.fields.push(unquote(s.slice(this.fieldStart, end)));
        if (!(this.fields.length === 1 && this.fields[0] === '')) {
          out.push({ kind: 'item', text: JSON.stringify(this.fields), line: this.rowLine });
        }
        this.fields = [];
        this.line++;
        this.rowLine = this.line;
        this.rowStart = i + 1;
        this.fieldStart = i + 1;
      }
    }
    this.i = i;
    if (this.rowStart > 0) {
      this.buf = this.buf.slice(this.rowStart);
      this.i -= this.rowStart;
      this.fieldStart -= this.rowStart;
      this.rowStart = 0;
    }
    if (this.buf.length > this.max) {
      out.push({ kind: 'error', line: this.rowLine, message: `CSV row larger than ${this.max} characters (unbalanced quote?): skipped` });
      // Resynchronise at the next line.
      const nl = this.buf.indexOf('\n', this.i);
      this.buf = nl < 0 ? '' : this.buf.slice(nl + 1);
      this.i = 0;
      this.fieldStart = 0;
      this.inQuotes = false;
      this.fields = [];
      this.line++;
      this.rowLine = this.line;
    }
    return out;
  }

  end(): Piece[] {
    const out = this.push('');
    if (this.inQuotes) {
      out.push({ kind: 'error', line: this.rowLine, message: 'unexpected end of input inside a quoted CSV field' });
    } else if (this.buf.length > 0 || this.fields.length > 0) {
      const end = this.buf.endsWith('\r') ? this.buf.length - 1 : this.buf.length;
      this.fields.push(unquote(this.buf.slice(this.fieldStart, end)));
      if (!(this.fields.length === 1 && this.fields[0] === '')) out.push({ kind: 'item', text: JSON.stringify(this.fields), line: this.rowLine });
    }
    this.buf = '';
    this.fields = [];
    return out;
  }
}

function unquote(f: string): string {
  if (f.length >= 2 && f.charCodeAt(0) === 34 && f.charCodeAt(f.length - 1) === 34) return f.slice(1, -1).split('""').join('"');
  return f;
}
