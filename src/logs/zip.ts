/**
 * A small ZIP reader (the OTRF datasets ship as .zip): central directory from the end of the
 * file, then each entry streamed through node:zlib's inflateRaw (method 8) or as is (method 0).
 * Random access by offsets, so memory stays one read buffer per entry. No ZIP64, no encryption:
 * those are reported as errors.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInflateRaw } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

export class ZipError extends Error {}

export function isZipMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Entries listed in the central directory. */
export async function zipEntries(path: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 22 + 65535);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) throw new ZipError('no end of central directory (not a zip, or truncated)');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOff = tail.readUInt32LE(eocd + 16);
    if (cdOff === 0xffffffff || count === 0xffff) throw new ZipError('ZIP64 archives are not supported');
    if (cdOff + cdSize > size || cdSize > 64 * 1024 * 1024) throw new ZipError('central directory out of bounds');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOff);
    const out: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ZipError(`bad central directory entry ${i}`);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      out.push({
        name: cd.toString('utf8', p + 46, Math.min(cd.length, p + 46 + nameLen)),
        method: cd.readUInt16LE(p + 10),
        encrypted: (cd.readUInt16LE(p + 8) & 1) !== 0,
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Stream one entry's uncompressed bytes. */
export async function* zipEntryBytes(path: string, e: ZipEntry): AsyncGenerator<Buffer> {
  if (e.encrypted) throw new ZipError(`entry ${e.name} is encrypted`);
  if (e.method !== 0 && e.method !== 8) throw new ZipError(`entry ${e.name}: compression method ${e.method} not supported`);
  const fh = await open(path, 'r');
  const lh = Buffer.alloc(30);
  try {
    await fh.read(lh, 0, 30, e.localHeaderOffset);
  } finally {
    await fh.close();
  }
  if (lh.readUInt32LE(0) !== 0x04034b50) throw new ZipError(`entry ${e.name}: bad local header`);
  const start = e.localHeaderOffset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
  if (e.compressedSize === 0) return;
  const raw = createReadStream(path, { start, end: start + e.compressedSize - 1, highWaterMark: 1 << 16 });
  const src = e.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  raw.on('error', (err) => src.destroy(err));
  for await (const b of src) yield b as Buffer;
}
