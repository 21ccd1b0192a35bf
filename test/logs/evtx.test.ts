import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeEvtx } from '../../src/logs/evtx-write.js';
import { parseChunk } from '../../src/logs/evtx.js';
import { prng, sysmon3 } from './gen.js';
import { plain, readAll, SEED_DIR } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'logs-evtx-'));
const events = sysmon3(800, 7);
const file = join(dir, 'sysmon3.evtx');
writeFileSync(file, writeEvtx(events));
const bytes = readFileSync(file);

const HAVE_EVTXEXPORT = spawnSync('evtxexport', ['-V'], { encoding: 'utf8' }).status === 0;
if (!HAVE_EVTXEXPORT) console.warn('[logs] evtxexport (Debian libevtx-utils) not installed: EVTX reference comparison SKIPPED');

describe('EVTX reader', () => {
  it('reads a multi-chunk Sysmon 3 file with typed fields, Booleans 4 bytes wide', async () => {
    expect(bytes.length).toBeGreaterThan(4096 + 65536 * 2); // several chunks
    const r = await readAll(file);
    expect(r.errors).toEqual([]);
    expect(r.events).toHaveLength(events.length);
    r.events.forEach((e, i) => {
      expect(plain(e.fields)).toStrictEqual(plain(events[i]!));
      expect(e.source.record).toBe(i + 1);
    });
    // Template records take the plan path: fields built by a generated constructor (fast
    // properties) whose empty prototype exposes no Object.prototype name; same key order as the
    // writer's fields.
    for (const e of r.events) {
      expect(Object.getPrototypeOf(e.fields)).not.toBeNull();
      expect('toString' in e.fields || 'constructor' in e.fields).toBe(false);
    }
    expect(Object.keys(r.events[0]!.fields)).toEqual(Object.keys(events[0]!));
    // Fields after Initiated (the ones a 1-byte Boolean read would shift) are intact.
    const withFalse = r.events.find((e) => e.fields['Initiated'] === false)!;
    expect(typeof withFalse.fields['DestinationPort']).toBe('number');
    expect(String(withFalse.fields['DestinationIp'])).toMatch(/[.:]/);
  });

  describe.skipIf(!HAVE_EVTXEXPORT)('matches libevtx evtxexport (independent reference)', () => {
    it('every record of the seed and the synthetic file renders to the same fields', async () => {
      for (const f of [`${SEED_DIR}seed.evtx`, file]) {
        const xml = execFileSync('evtxexport', ['-f', 'xml', f], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
        const ref = join(dir, 'ref.xml');
        writeFileSync(ref, xml);
        const theirs = await readAll(ref);
        const ours = await readAll(f);
        expect(theirs.errors).toEqual([]);
        expect(theirs.events.length).toBe(ours.events.length);
        ours.events.forEach((e, i) => expect(plain(e.fields)).toStrictEqual(plain(theirs.events[i]!.fields)));
      }
    });
  });

  it('truncated files: events before the cut are read, the cut is reported, no throw', async () => {
    for (const cut of [100, 4096 + 300, 4096 + 65536 + 12345, bytes.length - 7]) {
      const p = join(dir, `cut${cut}.evtx`);
      writeFileSync(p, bytes.subarray(0, cut));
      const r = await readAll(p);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors[0]!.message).toMatch(/truncat|signature|size/);
      for (const e of r.events) expect(plain(e.fields)).toStrictEqual(plain(events[e.source.record! - 1]!));
    }
  });

  it('corrupted bytes: errors with chunk/record location, never a crash', async () => {
    const r = prng(99);
    for (let trial = 0; trial < 10; trial++) {
      const b = Buffer.from(bytes);
      for (let k = 0; k < 40; k++) b[4096 + Math.floor(r() * (b.length - 4096))] = Math.floor(r() * 256);
      const p = join(dir, `bad${trial}.evtx`);
      writeFileSync(p, b);
      const res = await readAll(p);
      expect(res.errors.length).toBeGreaterThan(0);
      expect(res.errors.every((e) => /chunk \d+/.test(e.message) || e.record !== undefined)).toBe(true);
    }
  });

  it('random garbage chunks do not hang or throw', () => {
    const r = prng(5);
    for (let trial = 0; trial < 200; trial++) {
      const c = Buffer.alloc(65536);
      for (let i = 0; i < c.length; i++) c[i] = Math.floor(r() * 256);
      c.write('ElfChnk\0', 0, 'latin1');
      c.writeUInt32LE(65536, 48);
      c.writeUInt32LE(0x00002a2a, 512);
      c.writeUInt32LE(2000, 516);
      const items = parseChunk(c, trial);
      expect(items.some((x) => x.kind === 'error')).toBe(true);
    }
  });

  it('a file that is not EVTX but forced as evtx is a clear error', async () => {
    const p = join(dir, 'not.evtx');
    writeFileSync(p, 'hello world, not an event log\n'.repeat(300));
    const r = await readAll(p, { format: 'evtx' });
    expect(r.events).toEqual([]);
    expect(r.errors.map((e) => e.message).join()).toMatch(/not an EVTX file/);
  });
});

describe('EVTX field names that are not safe as generated assignments', () => {
  it('an event-data field named __proto__ is an ordinary own field (key-by-key path)', async () => {
    const f = JSON.parse(JSON.stringify(events[0]!).replace('"RuleName"', '"__proto__"')) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(f, '__proto__')).toBe(true);
    const p = join(dir, 'proto.evtx');
    writeFileSync(p, writeEvtx([f as never, events[1]!]));
    const r = await readAll(p);
    expect(r.errors).toEqual([]);
    const got = r.events[0]!.fields;
    expect(Object.getPrototypeOf(got)).toBeNull();
    expect(Object.prototype.hasOwnProperty.call(got, '__proto__')).toBe(true);
    expect(got['__proto__']).toBe(events[0]!['RuleName']);
    // The next record (another template) still takes the constructor path.
    expect(Object.getPrototypeOf(r.events[1]!.fields)).not.toBeNull();
  });
});
