import { describe, expect, it } from 'vitest';
import { ByteLineSplitter, CsvRowSplitter, JsonValueSplitter, LineSplitter, XmlEventSplitter, type Piece } from '../../src/logs/split.js';

function feed<T extends string | Buffer>(sp: { push(c: T): Piece[]; end(): Piece[] }, chunks: T[]): Piece[] {
  return [...chunks.flatMap((c) => sp.push(c)), ...sp.end()];
}
function chunked(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

describe('splitters (records cut across arbitrary chunk boundaries)', () => {
  const ev = (i: number): string => `<Event xmlns="x">\n <System><EventID>${i}</EventID></System>\n</Event>`;
  const text = `<Events>\n${[1, 2, 3].map(ev).join('\n')}\n</Events>\n`;
  for (const size of [1, 3, 7, 64, 100000]) {
    it(`XML events, chunk size ${size}`, () => {
      const items = feed(new XmlEventSplitter(), chunked(text, size));
      expect(items.map((p) => p.kind === 'item' && p.line)).toEqual([2, 5, 8]);
      expect(items.map((p) => p.kind === 'item' && p.text)).toEqual([1, 2, 3].map(ev));
    });
    it(`NDJSON lines (string and bytes), chunk size ${size}`, () => {
      const nd = '{"a":1}\r\n\n  {"b":"ü€"}\n{"c":3}';
      const want = [['{"a":1}', 1], ['{"b":"ü€"}', 3], ['{"c":3}', 4]];
      const s = feed(new LineSplitter(), chunked(nd, size));
      const bytes = Buffer.from(nd);
      const bchunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) bchunks.push(bytes.subarray(i, i + size));
      const b = feed(new ByteLineSplitter(), bchunks);
      for (const got of [s, b]) expect(got.map((p) => p.kind === 'item' && [p.text, p.line])).toEqual(want);
    });
    it(`JSON array and value stream, chunk size ${size}`, () => {
      const arr = '[\n {"a":"]},[{"},\n {"b":[1,{"c":2}]}\n]';
      expect(feed(new JsonValueSplitter(), chunked(arr, size)).map((p) => p.kind === 'item' && p.text)).toEqual(['{"a":"]},[{"}', '{"b":[1,{"c":2}]}']);
      const dump = 'Record 1\n{\n "x": "a\\"}"\n}\nRecord 2\n{"y": 2}\n';
      const got = feed(new JsonValueSplitter(), chunked(dump, size));
      expect(got.map((p) => p.kind === 'item' && [p.text, p.line])).toEqual([['{\n "x": "a\\"}"\n}', 2], ['{"y": 2}', 6]]);
    });
  }
  for (const size of [1, 2, 5, 1000]) {
    it(`CSV rows with quoted commas, quotes and newlines, chunk size ${size}`, () => {
      const csv = 'a,b,c\r\n1,"x, ""y""\r\nz",\n\n"",2,3';
      const rows = feed(new CsvRowSplitter(), chunked(csv, size));
      expect(rows.map((p) => p.kind === 'item' && [JSON.parse(p.text), p.line])).toEqual([
        [['a', 'b', 'c'], 1], [['1', 'x, "y"\r\nz', ''], 2], [['', '2', '3'], 5],
      ]);
    });
  }
  it('an unterminated CSV quote is an error at its row', () => {
    const rows = feed(new CsvRowSplitter(), ['a,b\n1,"open\n2,3\n']);
    expect(rows.map((p) => p.kind)).toEqual(['item', 'error']);
    expect(rows[1]).toMatchObject({ line: 2 });
  });
  it('oversized records are skipped with an error, memory stays bounded, reading resumes', () => {
    const big = 'x'.repeat(5000);
    const l = feed(new LineSplitter(1000), chunked(`{"a":1}\n{"b":"${big}"}\n{"c":3}\n`, 256));
    expect(l.map((p) => p.kind)).toEqual(['item', 'error', 'item']);
    const b = feed(new ByteLineSplitter(1000), [Buffer.from(`{"a":1}\n{"b":"${big}"}\n{"c":3}\n`)]);
    expect(b.map((p) => p.kind)).toEqual(['item', 'error', 'item']);
    const x = feed(new XmlEventSplitter(1000), chunked(`<Event>1</Event><Event>${big}</Event><Event>3</Event>`, 256));
    expect(x.map((p) => p.kind)).toEqual(['item', 'error', 'item']);
    const j = feed(new JsonValueSplitter(512, 1000), chunked(`[{"a":1},{"b":"${big}"}]`, 256));
    expect(j[0]!.kind).toBe('item');
    expect(j.some((p) => p.kind === 'error')).toBe(true);
  });
});
