import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAll, SHARED } from './helpers.js';

const OTRF = `${SHARED}real-logs/otrf/`;
const HAVE = existsSync(OTRF);
if (!HAVE) console.warn(`[logs] ${OTRF} absent: real-log reader tests SKIPPED`);

const DATASETS: Array<[string, number]> = [
  ['cmd_wevtutil_modify_security_eventlog_path', 112],
  ['covenant_psremoting_grunt', 276],
  ['cmd_bitsadmin_download_psh_script', 8],
  ['psh_mshta_html_application_execution', 1],
];

describe.skipIf(!HAVE)('OTRF real logs (NXLog JSON lines)', () => {
  for (const [name, count] of DATASETS) {
    it(`${name}: ${count} Sysmon EID 3 events, typed`, async () => {
      const r = await readAll(`${OTRF}${name}.sysmon3.jsonl`);
      expect(r.errors).toEqual([]);
      expect(r.stats.formats[`${OTRF}${name}.sysmon3.jsonl`]?.firstRecordShape).toBe('nxlog');
      const eid3 = r.events.filter((e) => e.fields['EventID'] === 3 && e.fields['Channel'] === 'Microsoft-Windows-Sysmon/Operational');
      expect(eid3).toHaveLength(count);
      let last = -Infinity;
      for (const e of eid3) {
        const f = e.fields;
        expect(typeof f['DestinationPort']).toBe('number');
        expect(typeof f['SourcePort']).toBe('number');
        expect(typeof f['ProcessId']).toBe('number');
        expect(typeof f['Initiated']).toBe('boolean');
        expect(typeof f['SourceIsIpv6']).toBe('boolean');
        expect(typeof f['DestinationIsIpv6']).toBe('boolean');
        expect(typeof f['Computer']).toBe('string');
        expect(f['Computer']).not.toBe('');
        expect(f['Hostname']).toBeUndefined();
        expect(Object.values(f)).not.toContain('-'); // NXLog's "empty"
        expect(f['Keywords']).toBe('0x8000000000000000');
        // Event time comes from UtcTime (the files are sorted by it).
        expect(e.time).toBeTypeOf('number');
        expect(e.time!).toBeGreaterThanOrEqual(last);
        last = e.time!;
        expect(e.source.line).toBeGreaterThan(0);
      }
    });
  }
  it('the original OTRF .zip archives (every channel mixed) give the same Sysmon 3 events', async () => {
    for (const [name, count] of DATASETS) {
      const r = await readAll(`${OTRF}${name}.zip`);
      expect(r.errors).toEqual([]);
      const eid3 = r.events.filter((e) => e.fields['EventID'] === 3 && e.fields['Channel'] === 'Microsoft-Windows-Sysmon/Operational');
      expect(eid3).toHaveLength(count);
      expect(r.events.length).toBeGreaterThan(count); // Security, PowerShell, other Sysmon ids too
      expect(eid3[0]!.source.file).toMatch(new RegExp(`${name}\\.zip!.+\\.json$`));
      expect(r.events.every((e) => typeof e.fields['EventID'] === 'number')).toBe(true);
    }
  });
  it('a known record: covenant line 1 fields', async () => {
    const r = await readAll(`${OTRF}covenant_psremoting_grunt.sysmon3.jsonl`);
    const f = r.events[0]!.fields;
    expect(f['Computer']).toBe('HFDC01.shire.com');
    expect(f['DestinationPort']).toBe(138);
    expect(f['Initiated']).toBe(true);
    expect(f['DestinationHostname']).toBe(''); // NXLog dropped it; filled from Sysmon's Message
    expect(f['ProcessId']).toBe(4); // shadowed by System ProcessID in old NXLog; from Message
    expect(f['ProcessID']).toBe(2644);
    expect(f['Provider_Name']).toBe('Microsoft-Windows-Sysmon');
    expect(r.events[0]!.time).toBe(Date.UTC(2019, 11, 5, 1, 49, 28, 817));
  });
});
