/**
 * Text decoding in 64 KiB pieces (read.ts `decodeText`) gives exactly what decoding all the
 * bytes at once gives, wherever chunk and piece boundaries fall: multi-byte characters cut
 * anywhere, invalid and truncated sequences, a byte order mark at the start only.
 */
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/logs/read.js';

async function decode(chunks: Buffer[], enc: 'utf-8' | 'utf-16le' = 'utf-8'): Promise<string> {
  const src = (async function* () { for (const c of chunks) yield c; })();
  let s = '';
  for await (const t of decodeText(src, enc)) {
    expect(t.length).toBeLessThanOrEqual(1 << 16);
    s += t;
  }
  return s;
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x = (x * 1664525 + 1013904223) >>> 0; return x / 2 ** 32; };
}

/** Text of 1–4 byte characters, with some invalid bytes when `broken`. */
function bytes(r: () => number, n: number, broken: boolean): Buffer {
  const parts: Buffer[] = [];
  const chars = ['a', 'é', '€', '😀', '\n', 'Z', 'ж', '中'];
  let len = 0;
  while (len < n) {
    const b = broken && r() < 0.01 ? Buffer.from([[0x80, 0xff, 0xe2, 0xf0, 0xc3][Math.floor(r() * 5)]!]) : Buffer.from(chars[Math.floor(r() * chars.length)]!);
    parts.push(b);
    len += b.length;
  }
  return Buffer.concat(parts);
}

function cut(r: () => number, b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let a = 0; a < b.length;) {
    const n = r() < 0.3 ? 1 + Math.floor(r() * 5) : Math.floor(r() * 200_000) + 1;
    out.push(b.subarray(a, a + n));
    a += n;
  }
  return out;
}

describe('decodeText', () => {
  it.each([1, 2, 3, 4, 5, 6])('valid and invalid UTF-8 cut anywhere (seed %i)', async (seed) => {
    const r = rng(seed);
    const b = bytes(r, 300_000, seed > 3);
    expect(await decode(cut(r, b))).toBe(b.toString('utf8'));
  });

  it('an incomplete character at the very end becomes U+FFFD, as at once', async () => {
    const b = Buffer.concat([Buffer.from('x'.repeat(70_000)), Buffer.from([0xf0, 0x9f, 0x98])]);
    expect(await decode([b])).toBe(b.toString('utf8'));
    expect(await decode([b.subarray(0, 70_001), b.subarray(70_001)])).toBe(b.toString('utf8'));
  });

  it('a byte order mark is dropped at the start only', async () => {
    const b = Buffer.from('\ufeffa\ufeffb', 'utf8');
    expect(await decode([b.subarray(0, 1), b.subarray(1)])).toBe('a\ufeffb');
    const w = Buffer.from('\ufeffhé\ufeff', 'utf16le');
    expect(await decode([w.subarray(0, 3), w.subarray(3)], 'utf-16le')).toBe('hé\ufeff');
  });
});
