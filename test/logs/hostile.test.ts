import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ReadFailure, readEventBatches, readEvents } from '../../src/logs/read.js';
import { toEventXml, toNxlog } from '../../src/logs/write.js';
import { prng, sysmon3 } from './gen.js';
import { readAll, SEED_DIR } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'logs-hostile-'));
function file(name: string, data: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}
const [ev] = sysmon3(1, 3);
const good = toEventXml(ev!);

describe('malformed XML', () => {
  it('bad events are reported with their line, good ones read', async () => {
    const text = [
      '<Events>',
      good,
      '<Event><System><EventID>3</EventID></Sys></Event>',
      good,
      '<Event><System><EventID>3</EventID></System><EventData><Data Name="x">1</Data>',
      good,
      '<Event><System><EventID>3</EventID>',
    ].join('\n');
    const r = await readAll(file('bad.xml', text));
    expect(r.events).toHaveLength(3);
    expect(r.stats).toMatchObject({ events: 3, errors: 3 });
    const goodLines = good.split('\n').length;
    expect(r.errors[0]).toMatchObject({ line: 2 + goodLines, message: expect.stringMatching(/does not match/) });
    expect(r.errors[1]!.message).toMatch(/truncated/);
    expect(r.errors[2]!.message).toMatch(/end of input/);
    expect(r.events[1]!.source.line).toBe(3 + goodLines);
  });
  it('wevtutil output on one single line (thousands of events, no newline) reads in linear time', async () => {
    const evs = sysmon3(3000, 4);
    const r = await readAll(file('oneline.xml', evs.map((e) => toEventXml(e, true)).join('')));
    expect(r.errors).toEqual([]);
    expect(r.events).toHaveLength(3000);
    expect(r.events.every((e) => e.source.line === 1)).toBe(true);
    expect(r.events[2999]!.fields['EventRecordID']).toBe(3000);
  });
  it('no DTD entity expansion (billion laughs is refused)', async () => {
    const bomb = '<!DOCTYPE Event [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<Event><System><EventID>&b;</EventID></System></Event>';
    const r = await readAll(file('bomb.xml', bomb));
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.fields['EventID']).toBe('&b;'); // unknown entity kept literally
  });
  it('strict mode delivers every event before the failing record, then stops', async () => {
    const lines = sysmon3(3000, 4).map((e) => JSON.stringify(toNxlog(e)));
    lines.splice(2500, 0, '{"EventID": 3, "Image": "C:\\x.exe"'); // unterminated: invalid JSON on line 2501
    const p = file('strict-late.jsonl', lines.join('\n')); // 3 MB: the failure is in a later read chunk
    const got: number[] = [];
    await expect((async () => { for await (const e of readEvents(p, { strict: true })) got.push(e.source.line!); })()).rejects.toThrow(/strict-late.jsonl:2501: invalid JSON/);
    expect(got).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
  });

  it('batches hold the same events, in order, as the event stream', async () => {
    const p = file('batches.jsonl', sysmon3(3000, 5).map((e) => JSON.stringify(toNxlog(e))).join('\n'));
    const one: string[] = [];
    for await (const e of readEvents(p)) one.push(`${e.source.line}:${String(e.fields['DestinationIp'])}`);
    const sizes: number[] = [];
    const many: string[] = [];
    for await (const b of readEventBatches(p)) { sizes.push(b.length); for (const e of b) many.push(`${e.source.line}:${String(e.fields['DestinationIp'])}`); }
    expect(many).toEqual(one);
    expect(one).toHaveLength(3000);
    expect(sizes.length).toBeGreaterThan(1);
  });

  it('strict mode stops at the first error with file and line', async () => {
    const p = file('strict.xml', `${good}\n<Event><a></b></Event>\n${good}`);
    await expect(readAll(p, { strict: true })).rejects.toThrow(ReadFailure);
    await expect(readAll(p, { strict: true })).rejects.toThrow(new RegExp(`strict.xml:${good.split('\n').length + 1}: malformed event XML`));
  });
  it('attacker-shaped text: unclosed quotes, stray <, deep nesting', async () => {
    const deep = `<Event>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</Event>`;
    const text = [`<Event><System x="unterminated></System></Event>`, '<Event <<<< >', deep, good].join('\n');
    const r = await readAll(file('weird.xml', text));
    expect(r.events).toHaveLength(1);
    expect(r.errors.length).toBeGreaterThanOrEqual(2);
    expect(r.errors.map((e) => e.message).join('\n')).toMatch(/nested deeper/);
  });
});

describe('invalid JSON lines', () => {
  it('reports file and line, keeps going, counts', async () => {
    const line = JSON.stringify({ EventID: 3, Channel: 'Microsoft-Windows-Sysmon/Operational', DestinationPort: '443' });
    const text = [line, '{"EventID": 3, "Image": ', line, '', 'not json at all', '"a string"', line].join('\n');
    const r = await readAll(file('bad.jsonl', text));
    expect(r.events.map((e) => e.source.line)).toEqual([1, 3, 7]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 5, 6]);
    expect(r.errors[0]!.message).toMatch(/invalid JSON/);
    expect(r.errors[2]!.message).toMatch(/not an object/);
    expect(r.stats).toMatchObject({ events: 3, errors: 3 });
    await expect(readAll(file('bad2.jsonl', text), { strict: true })).rejects.toThrow(/bad2.jsonl:2: invalid JSON/);
  });
  it('deeply nested JSON is refused without a stack overflow', async () => {
    const deep = `${'{"a":'.repeat(100000)}1${'}'.repeat(100000)}`;
    const line = JSON.stringify({ EventID: 3 });
    const r = await readAll(file('deep.jsonl', `${line}\n${deep}\n${line}\n`));
    expect(r.events).toHaveLength(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/nested deeper/) });
    const arr = await readAll(file('deep.json', `[${line},\n${deep},\n${line}]`));
    expect(arr.events).toHaveLength(2);
    expect(arr.errors[0]!.message).toMatch(/nested deeper/);
  });
  it('an unterminated JSON array is reported at the end', async () => {
    const r = await readAll(file('open.json', `[${JSON.stringify({ EventID: 3 })}, {"EventID": 3`));
    expect(r.events).toHaveLength(1);
    expect(r.errors[0]!.message).toMatch(/end of input/);
  });
});

describe('large and binary input', () => {
  it('1 MB field values read intact in XML and JSON', async () => {
    const big = 'A'.repeat(1 << 20);
    const f = { ...ev!, Image: big, CommandLine: `x${big}` };
    const x = await readAll(file('big.xml', toEventXml(f)));
    expect(x.errors).toEqual([]);
    expect(x.events[0]!.fields['Image']).toBe(big);
    const j = await readAll(file('big.jsonl', `${JSON.stringify({ EventID: 3, Image: big })}\n`));
    expect(j.events[0]!.fields['Image']).toBe(big);
  });
  it('binary garbage: a clear error, no crash', async () => {
    const r = prng(11);
    const b = Buffer.alloc(300000);
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
    b[0] = 0x00;
    const res = await readAll(file('garbage.bin', b));
    expect(res.events).toEqual([]);
    expect(res.errors[0]!.message).toMatch(/cannot detect/);
    for (const format of ['xml', 'json-auto', 'ecs', 'evtx'] as const) {
      const forced = await readAll(file('garbage.bin', b), { format });
      expect(forced.events).toEqual([]);
    }
  });
  it('corrupt gzip is reported, not thrown', async () => {
    const gz = gzipSync(Buffer.from(`${JSON.stringify({ EventID: 3 })}\n`.repeat(5000)));
    const r = await readAll(file('cut.jsonl.gz', gz.subarray(0, gz.length - 200)));
    expect(r.errors.length).toBe(1);
    expect(r.errors[0]!.message).toMatch(/read failed/);
  });
});

describe('formats and fields', () => {
  it('onProgress reports bytes read against the file size', async () => {
    const seen: number[] = [];
    const p = file('progress.xml', sysmon3(2000, 9).map((e) => toEventXml(e)).join('\n')); // several 256 KiB read chunks
    const r = await readAll(p, { onProgress: (x) => { seen.push(x.bytes); expect(x.totalBytes).toBe(readFileSync(p).length); } });
    expect(r.events).toHaveLength(2000);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(readFileSync(p).length);
  });
  it('forced format overrides detection', async () => {
    const r = await readAll(`${SEED_DIR}seed.nxlog.jsonl`, { format: 'ecs' });
    expect(r.stats.formats[`${SEED_DIR}seed.nxlog.jsonl`]).toMatchObject({ format: 'json', shape: 'ecs', forced: true });
    expect(r.events[0]!.fields['Image']).toBeUndefined(); // the ECS normalizer ignores flat keys
    const x = await readAll(`${SEED_DIR}seed.nxlog.jsonl`, { format: 'xml' });
    expect(x.events).toEqual([]);
  });
  it('__proto__ and constructor in logs are ordinary fields', async () => {
    const j = await readAll(file('proto.jsonl', '{"EventID":3,"__proto__":"p","constructor":"c","toString":"t"}\n'));
    const f = j.events[0]!.fields;
    expect(Object.getPrototypeOf(f)).toBeNull();
    expect(Object.prototype.hasOwnProperty.call(f, '__proto__')).toBe(true);
    expect(f['__proto__']).toBe('p');
    expect(f['constructor']).toBe('c');
    const x = await readAll(file('proto.xml', '<Event><EventData><Data Name="__proto__">p</Data><Data Name="constructor">c</Data></EventData></Event>'));
    expect(Object.prototype.hasOwnProperty.call(x.events[0]!.fields, '__proto__')).toBe(true);
    expect(x.events[0]!.fields['constructor']).toBe('c');
  });
  it('any Windows event: unnamed Data, UserData, Security fields, RenderingInfo', async () => {
    const ps = `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="PowerShell"/><EventID Qualifiers="0">400</EventID><Level>4</Level><Task>4</Task><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime="2020-01-01T00:00:00.000Z"/><EventRecordID>7</EventRecordID><Channel>Windows PowerShell</Channel><Computer>h</Computer><Security/></System><EventData><Data>Available</Data><Data>None</Data><Data>NewEngineState=Available HostName=ConsoleHost</Data></EventData></Event>`;
    const ud = `<Event><System><EventID>1102</EventID><Channel>Security</Channel></System><UserData><LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog"><SubjectUserSid>S-1-5-21-1</SubjectUserSid><SubjectUserName>alice</SubjectUserName></LogFileCleared></UserData><RenderingInfo Culture="en-US"><Message>The audit log was cleared.</Message></RenderingInfo></Event>`;
    const r = await readAll(file('other.xml', `${ps}\n${ud}`));
    expect(r.errors).toEqual([]);
    const [a, b] = r.events.map((e) => e.fields);
    expect(a).toMatchObject({ EventID: 400, Qualifiers: 0, Data1: 'Available', Data3: 'NewEngineState=Available HostName=ConsoleHost', Data: 'Available\nNone\nNewEngineState=Available HostName=ConsoleHost', Provider_Name: 'PowerShell' });
    expect(r.events[0]!.time).toBe(Date.UTC(2020, 0, 1));
    expect(b).toMatchObject({ EventID: 1102, SubjectUserSid: 'S-1-5-21-1', SubjectUserName: 'alice', Message: 'The audit log was cleared.' });
  });
  it('ECS without winlog.event_data falls back to ECS fields', async () => {
    const doc = { '@timestamp': '2024-05-01T10:00:00.000Z', event: { code: '3' }, host: { name: 'ws1' }, winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', provider_name: 'Microsoft-Windows-Sysmon' },
      process: { executable: 'C:\\x\\a.exe', pid: 42, entity_id: '{G}' }, user: { name: 'bob', domain: 'CORP' }, network: { transport: 'tcp', direction: 'egress', type: 'ipv4' },
      source: { ip: '10.0.0.1', port: 5000 }, destination: { ip: '1.2.3.4', port: 443, domain: 'x.example' } };
    const r = await readAll(file('ecs.json', JSON.stringify([doc])));
    expect(r.events[0]!.fields).toMatchObject({ EventID: 3, Computer: 'ws1', Image: 'C:\\x\\a.exe', ProcessId: 42, User: 'CORP\\bob', Protocol: 'tcp', Initiated: true, SourceIsIpv6: false, DestinationPort: 443, DestinationHostname: 'x.example' });
    expect(r.events[0]!.time).toBe(Date.UTC(2024, 4, 1, 10));
    // dotted keys (Elasticsearch "fields" style) read the same as nested ones
    const dotted = { 'winlog.event_data.DestinationPort': '8080', 'winlog.event_id': '3', 'winlog.event_data.Initiated': 'True' };
    const d = await readAll(file('ecs-dotted.jsonl', `${JSON.stringify({ _source: dotted })}\n`));
    expect(d.events[0]!.fields).toMatchObject({ DestinationPort: 8080, EventID: 3, Initiated: true });
  });
  it('evtx_dump unnamed Data, Splunk plain _raw, Sentinel CSV-style columns, ES hits', async () => {
    const dump = { Event: { System: { EventID: 400, Channel: 'Windows PowerShell' }, EventData: { Data: { '#text': ['a', 'b'] } } } };
    const splunk = { _raw: toEventXml(ev!, true), host: 'h' };
    const sentinel = { 'TimeGenerated [UTC]': '2024-01-01T00:00:00Z', EventID: 3, Computer: 'c', EventLog: 'Microsoft-Windows-Sysmon/Operational', Image: 'x.exe', DestinationPort: '53', TenantId: 't' };
    const hits = { hits: { hits: [{ _source: { winlog: { event_id: 3, event_data: { DestinationPort: '1' } } } }, { _source: { winlog: { event_id: 3, event_data: { DestinationPort: '2' } } } }] } };
    const r = await readAll(file('mixed.jsonl', [dump, splunk, sentinel, hits].map((o) => JSON.stringify(o)).join('\n')));
    expect(r.errors).toEqual([]);
    const f = r.events.map((e) => e.fields);
    expect(f[0]).toMatchObject({ EventID: 400, Data1: 'a', Data2: 'b', Data: 'a\nb' });
    expect(f[1]!['DestinationPort']).toBe(ev!['DestinationPort']);
    expect(f[2]).toMatchObject({ EventID: 3, Channel: 'Microsoft-Windows-Sysmon/Operational', DestinationPort: 53, TimeCreated: '2024-01-01T00:00:00Z' });
    expect(f[2]!['TenantId']).toBeUndefined();
    expect(f.slice(3).map((x) => x['DestinationPort'])).toEqual([1, 2]);
  });
});

/** Minimal zip writer for tests (local headers + central directory, deflate or store). */
function makeZip(entries: Array<[string, Buffer, boolean]>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let off = 0;
  for (const [name, data, deflate] of entries) {
    const body = deflate ? deflateRawSync(data) : data;
    const n = Buffer.from(name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(deflate ? 8 : 0, 8);
    lh.writeUInt32LE(body.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(n.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(deflate ? 8 : 0, 10);
    ch.writeUInt32LE(body.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(n.length, 28); ch.writeUInt32LE(off, 42);
    locals.push(lh, n, body);
    central.push(ch, n);
    off += 30 + n.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('zip archives', () => {
  it('reads every entry (deflated and stored), labels events archive!entry', async () => {
    const zip = makeZip([
      ['logs/a.ndjson', readFileSync(`${SEED_DIR}seed.ecs.ndjson`), true],
      ['b.xml', readFileSync(`${SEED_DIR}seed.events.xml`), false],
      ['__MACOSX/._b.xml', Buffer.from([0, 5, 22, 7]), false],
      ['c.evtx', readFileSync(`${SEED_DIR}seed.evtx`), true],
    ]);
    const p = file('logs.zip', zip);
    const r = await readAll(p);
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => e.source.file)).toEqual([`${p}!logs/a.ndjson`, `${p}!b.xml`, `${p}!c.evtx`]);
    for (const e of r.events) expect({ ...e.fields }).toStrictEqual({ ...r.events[0]!.fields });
  });
  it('a truncated zip is a clear error', async () => {
    const zip = makeZip([['a.ndjson', readFileSync(`${SEED_DIR}seed.ecs.ndjson`), true]]);
    const p = file('cut.zip', zip.subarray(0, zip.length - 30));
    await expect(readAll(p)).rejects.toThrow(/cannot read zip: no end of central directory/);
  });
});
