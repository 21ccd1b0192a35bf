import { describe, expect, it } from 'vitest';
import { readAll, plain, SEED_DIR, SEED_TXT, HAVE_SHARED_SEED } from './helpers.js';

// The reference: the seed's own Event Viewer text when ../shared is present, else the committed
// verbatim-format rendering of it.
const REFERENCE = HAVE_SHARED_SEED ? SEED_TXT : `${SEED_DIR}seed.eventviewer.txt`;
if (!HAVE_SHARED_SEED) console.warn(`[logs] ${SEED_TXT} absent: comparing against fixtures/seed/seed.eventviewer.txt`);

const FIXTURES: Array<[string, string, number]> = [
  ['seed.event.xml', 'xml', 1],
  ['seed.events.xml', 'xml', 1],
  ['seed.wevtutil.xml', 'xml', 2],
  ['seed.utf16.xml', 'xml', 1],
  ['seed.eventviewer.txt', 'xml', 1],
  ['seed.evtx', 'evtx', 1],
  ['seed.ecs.ndjson', 'json', 1],
  ['seed.ecs.ndjson.gz', 'json', 1],
  ['seed.ecs-array.json', 'json', 1],
  ['seed.nxlog.jsonl', 'json', 1],
  ['seed.evtx-dump.txt', 'json', 1],
  ['seed.splunk.json', 'json', 1],
  ['seed.sentinel.json', 'json', 1],
  ['seed.sentinel-event.jsonl', 'json', 1],
  ['seed.splunk.csv', 'csv', 1],
  ['seed.sentinel.csv', 'csv', 1],
];

describe('seed sample in every format reads to the identical canonical event', async () => {
  const ref = await readAll(REFERENCE);
  it('reference reads as one Sysmon 3 event with typed fields', () => {
    expect(ref.errors).toEqual([]);
    expect(ref.events).toHaveLength(1);
    const f = ref.events[0]!.fields;
    expect(f['EventID']).toBe(3);
    expect(f['DestinationPort']).toBe(135);
    expect(f['SourcePort']).toBe(49603);
    expect(f['ProcessId']).toBe(3900);
    expect(f['Initiated']).toBe(true);
    expect(f['SourceIsIpv6']).toBe(false);
    expect(f['RuleName']).toBe('');
    expect(f['Computer']).toBe('ATC-WIN-7.atc.local');
    expect(f['Provider_Name']).toBe('Microsoft-Windows-Sysmon');
    expect(f['ProcessID']).toBe(1828);
    expect(f['UserID']).toBe('S-1-5-18');
    expect(f['TimeCreated']).toBe('2019-02-05T15:16:29.384924000Z');
    expect(Object.getPrototypeOf(f)).toBeNull();
    expect(ref.events[0]!.time).toBe(Date.UTC(2019, 1, 5, 15, 16, 17, 411));
  });
  for (const [file, format, count] of FIXTURES) {
    it(`${file} (${format})`, async () => {
      const r = await readAll(`${SEED_DIR}${file}`);
      expect(r.errors).toEqual([]);
      expect(r.stats.formats[`${SEED_DIR}${file}`]!.format).toBe(format);
      expect(r.events).toHaveLength(count);
      for (const e of r.events) {
        expect(plain(e.fields)).toStrictEqual(plain(ref.events[0]!.fields));
        expect(e.time).toBe(ref.events[0]!.time);
      }
    });
  }
});
