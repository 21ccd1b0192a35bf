/**
 * A category that also selects another log's events (SigmaHQ's regression config): a
 * process_creation rule reads Security 4688 with Image = NewProcessName and ParentImage =
 * ParentProcessName; an antivirus rule reads Defender detections with Signature = ThreatName and
 * Filename = Path. Events are self-written event XML, read through the real reader.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../../src/engine/index.js';
import { readEvents } from '../../src/logs/read.js';
import type { CanonicalEvent } from '../../src/logs/event.js';
import { loadRuleText } from '../../src/sigma/index.js';

const dir = mkdtempSync(join(tmpdir(), 'engine-alt-'));
const ev = (channel: string, id: number, data: Record<string, string>): string =>
  `<Event><System><Provider Name="P"/><EventID>${id}</EventID><TimeCreated SystemTime="2024-05-01T10:00:00.000Z"/><Channel>${channel}</Channel><Computer>WS1</Computer></System><EventData>${
    Object.entries(data).map(([k, v]) => `<Data Name="${k}">${v}</Data>`).join('')}</EventData></Event>`;

async function read(xml: string[]): Promise<CanonicalEvent[]> {
  const p = join(dir, `e${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(p, `<Events>${xml.join('\n')}</Events>`);
  const out: CanonicalEvent[] = [];
  for await (const e of readEvents(p)) out.push(e);
  return out;
}

function rule(category: string, detection: string) {
  const r = loadRuleText(`title: t\nlogsource:\n    product: windows\n    category: ${category}\ndetection:\n${detection}\n`, 'r.yml', { profile: 'sigma' });
  expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return r.rules;
}

describe('process_creation over Security 4688', () => {
  const rules = rule('process_creation', "    selection:\n        Image|endswith: '\\whoami.exe'\n        ParentImage|endswith: '\\cmd.exe'\n    condition: selection");

  it('matches Sysmon 1 and Security 4688 alike, through the 4688 names', async () => {
    const events = await read([
      ev('Microsoft-Windows-Sysmon/Operational', 1, { Image: 'C:\\Windows\\System32\\whoami.exe', ParentImage: 'C:\\Windows\\System32\\cmd.exe' }),
      ev('Security', 4688, { NewProcessName: 'C:\\Windows\\System32\\whoami.exe', ParentProcessName: 'C:\\Windows\\System32\\cmd.exe' }),
      ev('Security', 4688, { NewProcessName: 'C:\\Windows\\System32\\whoami.exe', ParentProcessName: 'C:\\Windows\\explorer.exe' }),
    ]);
    expect(events[1]!.fields['Image']).toBe('C:\\Windows\\System32\\whoami.exe');
    expect(evaluateAll(rules, events).detections.map((d) => d.event.source.line)).toEqual([1, 2]);
  });

  it('no aliases, and no match, for 4688 from another channel or other Security events', async () => {
    const events = await read([
      ev('Acme/Operational', 4688, { NewProcessName: 'C:\\x\\whoami.exe', ParentProcessName: 'C:\\x\\cmd.exe' }),
      ev('Security', 4689, { NewProcessName: 'C:\\x\\whoami.exe', ParentProcessName: 'C:\\x\\cmd.exe' }),
    ]);
    expect(events.map((e) => e.fields['Image'])).toEqual([undefined, undefined]);
    expect(evaluateAll(rules, events).detections).toEqual([]);
  });

  it('a 4688 that has its own Image keeps it', async () => {
    const [e] = await read([ev('Security', 4688, { Image: 'C:\\real.exe', NewProcessName: 'C:\\other.exe' })]);
    expect(e!.fields['Image']).toBe('C:\\real.exe');
  });
});

describe('antivirus over Defender detections', () => {
  const rules = rule('antivirus', "    selection:\n        Signature|contains: 'Mimikatz'\n        Filename|endswith: '.exe'\n    condition: selection");

  it('Signature and Filename come from "Threat Name" and Path of 1116, not of other Defender events', async () => {
    const D = 'Microsoft-Windows-Windows Defender/Operational';
    const events = await read([
      ev(D, 1116, { 'Threat Name': 'HackTool:Win32/Mimikatz.D', Path: 'file:_C:\\Users\\a\\m.exe' }),
      ev(D, 5007, { 'Threat Name': 'HackTool:Win32/Mimikatz.D', Path: 'file:_C:\\Users\\a\\m.exe' }),
      ev(D, 1117, { 'Threat Name': 'Trojan:Win32/Other', Path: 'C:\\x.exe' }),
    ]);
    expect(events[0]!.fields['Signature']).toBe('HackTool:Win32/Mimikatz.D');
    expect(events[0]!.fields['Filename']).toBe('file:_C:\\Users\\a\\m.exe');
    expect(events[1]!.fields['Signature']).toBeUndefined();
    expect(evaluateAll(rules, events).detections.map((d) => d.event.source.line)).toEqual([1]);
  });
});
