/**
 * Field names the way Sigma rules spell them, whatever the log format:
 * - event-data names with spaces (Windows Defender's "New Value", "Threat Name") are also given
 *   space-less (`NewValue`) and with underscores (`New_Value`); a real field of that name wins;
 * - a UserData leaf named like a System element (`Provider`) never takes the plain name: it goes
 *   under its dotted path, so `Provider` is not the UserData value.
 * Events are written here by hand (minimal shapes), in XML, EVTX, evtx_dump JSON, ECS and NXLog.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeJsonRecord } from '../../src/logs/json.js';
import { parseEventXml } from '../../src/logs/xml.js';
import { writeEvtx } from '../../src/logs/evtx-write.js';
import { spacedNameAliases } from '../../src/logs/fields.js';
import { readAll } from './helpers.js';

const SYSTEM_XML = '<System><Provider Name="Acme-AV"/><EventID>5007</EventID><Channel>Acme/Operational</Channel></System>';

describe('event-data names with spaces', () => {
  it('spacedNameAliases: space-less and underscore spellings, none without a space', () => {
    expect(spacedNameAliases('New Value')).toEqual(['NewValue', 'New_Value']);
    expect(spacedNameAliases('Security intelligence  Version')).toEqual(['SecurityintelligenceVersion', 'Security_intelligence_Version']);
    expect(spacedNameAliases('NewValue')).toBeUndefined();
  });

  it('XML: Data Name="New Value" is also NewValue and New_Value', () => {
    const f = parseEventXml(`<Event>${SYSTEM_XML}<EventData><Data Name="Old Value"></Data><Data Name="New Value">HKLM\\X = 0x1</Data></EventData></Event>`);
    expect(f['New Value']).toBe('HKLM\\X = 0x1');
    expect(f['NewValue']).toBe('HKLM\\X = 0x1');
    expect(f['New_Value']).toBe('HKLM\\X = 0x1');
    expect(f['OldValue']).toBe('');
  });

  it('XML: a real field of the alias name wins, before or after the spaced one', () => {
    const before = parseEventXml(`<Event>${SYSTEM_XML}<EventData><Data Name="Threat Name">spaced</Data><Data Name="ThreatName">real</Data></EventData></Event>`);
    expect(before['ThreatName']).toBe('real');
    expect(before['Threat_Name']).toBe('spaced');
    const after = parseEventXml(`<Event>${SYSTEM_XML}<EventData><Data Name="ThreatName">real</Data><Data Name="Threat Name">spaced</Data></EventData></Event>`);
    expect(after['ThreatName']).toBe('real');
  });

  it('evtx_dump JSON: flat EventData keys and #attributes Name items', () => {
    const sys = { Provider: { '#attributes': { Name: 'Acme-AV' } }, EventID: 1116, Channel: 'Acme/Operational' };
    const flat = normalizeJsonRecord({ Event: { System: sys, EventData: { 'Threat Name': 'Tool:X', 'Process Name': 'C:\\a.exe' } } }).fields;
    expect([flat['ThreatName'], flat['Threat_Name'], flat['ProcessName']]).toEqual(['Tool:X', 'Tool:X', 'C:\\a.exe']);
    const items = normalizeJsonRecord({
      Event: { System: sys, EventData: { Data: [{ '#attributes': { Name: 'Threat Name' }, '#text': 'Tool:Y' }, { '#attributes': { Name: 'ThreatName' }, '#text': 'real' }] } },
    }).fields;
    expect(items['Threat Name']).toBe('Tool:Y');
    expect(items['ThreatName']).toBe('real');
    expect(items['Threat_Name']).toBe('Tool:Y');
  });

  it('ECS (winlog.event_data) and NXLog flat records', () => {
    const ecs = normalizeJsonRecord({ winlog: { channel: 'Acme/Operational', event_id: 5007, event_data: { 'New Value': 'v1' } } }).fields;
    expect([ecs['NewValue'], ecs['New_Value']]).toEqual(['v1', 'v1']);
    const nx = normalizeJsonRecord({ Hostname: 'h', SourceName: 'Acme-AV', EventID: 5007, 'New Value': 'v2' }).fields;
    expect([nx['NewValue'], nx['New_Value']]).toEqual(['v2', 'v2']);
  });

  it('ECS with dotted keys, a Sentinel row, and a real field winning in JSON', () => {
    const dotted = normalizeJsonRecord({ 'winlog.channel': 'Acme/Operational', 'winlog.event_id': 5007, 'winlog.event_data.New Value': 'v3' }).fields;
    expect([dotted['NewValue'], dotted['New_Value']]).toEqual(['v3', 'v3']);
    const sentinel = normalizeJsonRecord({ TimeGenerated: '2024-05-01T10:00:00Z', EventID: 5007, Channel: 'Acme/Operational', 'Threat Name': 'T' }, 'sentinel').fields;
    expect([sentinel['ThreatName'], sentinel['Threat_Name']]).toEqual(['T', 'T']);
    const real = normalizeJsonRecord({ Hostname: 'h', EventID: 5007, 'New Value': 'spaced', NewValue: 'real' }).fields;
    expect([real['NewValue'], real['New_Value']]).toEqual(['real', 'spaced']);
    const realEcs = normalizeJsonRecord({ winlog: { event_id: 5007, event_data: { NewValue: 'real', 'New Value': 'spaced' } } }).fields;
    expect([realEcs['NewValue'], realEcs['New_Value']]).toEqual(['real', 'spaced']);
  });

  it('EVTX: the alias comes from the same substitution as the spaced name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldnames-'));
    const file = join(dir, 'av.evtx');
    writeFileSync(file, writeEvtx([
      { EventID: 5007, Channel: 'Acme/Operational', Computer: 'h', 'Old Value': 'a = 0x0', 'New Value': 'a = 0x1' },
      { EventID: 5007, Channel: 'Acme/Operational', Computer: 'h', 'Old Value': 'b = 0x0', 'New Value': 'b = 0x1' },
    ]));
    const r = await readAll(file);
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => [e.fields['NewValue'], e.fields['New_Value'], e.fields['OldValue']])).toEqual([
      ['a = 0x1', 'a = 0x1', 'a = 0x0'],
      ['b = 0x1', 'b = 0x1', 'b = 0x0'],
    ]);
  });
});

describe('UserData leaves named like a System element', () => {
  it('XML: UserData Provider goes under its path; Provider_Name is the System provider', () => {
    const f = parseEventXml(
      '<Event><System><Provider Name="Acme-WMI" Guid="{1}"/><EventID>5859</EventID><Channel>Acme/Operational</Channel></System>' +
        '<UserData><Op xmlns="urn:x"><Query>select 1</Query><Provider>Some Provider</Provider><Channel>Inner</Channel></Op></UserData></Event>',
    );
    expect(f['Provider']).toBeUndefined();
    expect(f['UserData.Op.Provider']).toBe('Some Provider');
    expect(f['Provider_Name']).toBe('Acme-WMI');
    expect(f['Channel']).toBe('Acme/Operational');
    expect(f['UserData.Op.Channel']).toBe('Inner');
    expect(f['Query']).toBe('select 1');
  });

  it('evtx_dump JSON: the same', () => {
    const f = normalizeJsonRecord({
      Event: {
        System: { Provider: { '#attributes': { Name: 'Acme-WMI' } }, EventID: 5859, Channel: 'Acme/Operational' },
        UserData: { Op: { '#attributes': { xmlns: 'urn:x' }, Query: 'select 1', Provider: 'Some Provider', Execution: 'x' } },
      },
    }).fields;
    expect(f['Provider']).toBeUndefined();
    expect(f['Execution']).toBeUndefined();
    expect(f['UserData.Op.Provider']).toBe('Some Provider');
    expect(f['UserData.Op.Execution']).toBe('x');
    expect(f['Query']).toBe('select 1');
  });
});
