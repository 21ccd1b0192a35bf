/**
 * Flat (NXLog-style) JSON records are normalised per key-list layout by a generated constructor
 * (json.ts). That path must give exactly what the key-by-key reference algorithm
 * (`fromFlatGeneric`) gives: the same fields, values, types and key order, for ordinary records
 * and for every value-dependent case (`-`, Keywords as a number, a zoned EventTime, renames that
 * collide, nested values, Message back-fill). Objects it builds must not expose Object.prototype
 * names as fields.
 */
import { describe, expect, it } from 'vitest';
import { fromFlatGeneric, normalizeJsonRecord } from '../../src/logs/json.js';
import { eventTime } from '../../src/logs/fields.js';
import { toNxlog } from '../../src/logs/write.js';
import { sysmon3Corpus } from '../../src/synth/index.js';

type Obj = Record<string, unknown>;

/** Both paths on a fresh JSON.parse object (as readers give them). */
function both(rec: Obj): { layout: Record<string, unknown>; generic: Record<string, unknown>; time: number | undefined } {
  const text = JSON.stringify(rec);
  const n = normalizeJsonRecord(JSON.parse(text) as unknown);
  const generic = fromFlatGeneric(JSON.parse(text) as Obj, true);
  return { layout: n.fields, generic, time: n.time };
}

function expectSame(rec: Obj): Record<string, unknown> {
  const { layout, generic, time } = both(rec);
  // Order-sensitive: entries, not toEqual on objects.
  expect(Object.entries(layout)).toEqual(Object.entries(generic));
  expect(time).toBe(eventTime(generic as never));
  for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
    const own = Object.prototype.hasOwnProperty.call(layout, name);
    expect(name in layout).toBe(own);
    if (!own) expect((layout as Obj)[name]).toBeUndefined();
  }
  return layout;
}

const BASE: Obj = {
  EventReceivedTime: '2024-03-04 00:00:01', SourceModuleName: 'eventlog', SourceModuleType: 'im_msvistalog',
  EventID: 3, Version: 5, Level: 4, Task: 3, OpcodeValue: 0, Keywords: -9223372036854775808,
  SourceName: 'Microsoft-Windows-Sysmon', Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'WS-1.corp.example.com',
  RecordNumber: 7, ProcessID: 3052, ThreadID: 4120, UserID: 'S-1-5-18', EventTime: '2024-03-04 01:00:00',
  RuleName: '-', UtcTime: '2024-03-04 00:00:00.055', ProcessGuid: '{45D01203-BC4E-B1E2-9A6E-8970BC7C9220}', ProcessId: '2036',
  Image: 'C:\\Windows\\System32\\rundll32.exe', User: 'CORP\\grace', Protocol: 'tcp', Initiated: 'true', SourceIsIpv6: 'false',
  SourceIp: '10.20.11.187', SourceHostname: '-', SourcePort: '52582', SourcePortName: '-', DestinationIsIpv6: 'false',
  DestinationIp: '44.189.221.110', DestinationHostname: 'stackoverflow.com', DestinationPort: '443', DestinationPortName: 'https',
};

const withKeys = (patch: Obj, drop: string[] = []): Obj => {
  const o: Obj = { ...BASE, ...patch };
  for (const k of drop) delete o[k];
  return o;
};

describe('flat JSON records: layout path equals the key-by-key algorithm', () => {
  it('synthetic corpus records (NXLog shape), several layouts interleaved', () => {
    let n = 0;
    for (const e of sysmon3Corpus({ count: 3000, seed: 'layout-test' })) {
      const rec = toNxlog(e.fields);
      // Every third record with another key order: the last-layout check must notice.
      const o = n % 3 === 0 ? Object.fromEntries(Object.entries(rec).reverse()) : rec;
      const f = expectSame(o);
      n++;
      // The layout path is what ran: its objects have the (empty) fields prototype.
      expect(Object.getPrototypeOf(f)).not.toBeNull();
    }
    expect(n).toBe(3000);
  });

  it('typed values: numbers, hex, booleans, JSON booleans and numbers, null, nested values', () => {
    expectSame(withKeys({ DestinationPort: '0x1BB', SourcePort: 52582, Initiated: true, SourceIsIpv6: 'False', DestinationIsIpv6: 'TRUE' }));
    expectSame(withKeys({ DestinationPort: '44x', ProcessId: '-12', Initiated: 'yes' }));
    expectSame(withKeys({ User: null, Image: { a: [1, { b: 2 }] }, RuleName: ['x', 'y'], Protocol: 6 }));
    const f = expectSame(withKeys({ SourceHostname: '-', DestinationHostname: '-' }));
    expect(f['SourceHostname']).toBe('');
  });

  it('Keywords: integer (hex), fraction, text, absent', () => {
    expect(expectSame(withKeys({}))['Keywords']).toBe('0x8000000000000000');
    expectSame(withKeys({ Keywords: 1.5 }));
    expectSame(withKeys({ Keywords: '0x8000000000000000' }));
    expectSame(withKeys({}, ['Keywords']));
    // Alternating presets on one layout use different constructors.
    for (const kw of [1, 'x', 2, null]) expectSame(withKeys({ Keywords: kw }));
  });

  it('EventTime: zoned becomes TimeCreated, local stays, TimeCreated present wins, null kept', () => {
    const zoned = expectSame(withKeys({ EventTime: '2024-03-04T00:00:00.055Z' }));
    expect(zoned['TimeCreated']).toBe('2024-03-04T00:00:00.055Z');
    expect('EventTime' in zoned).toBe(false);
    expectSame(withKeys({ EventTime: '2024-03-04T02:00:00+02:00' }));
    expect(expectSame(withKeys({ EventTime: '2024-03-04 01:00:00' }))['EventTime']).toBe('2024-03-04 01:00:00');
    expectSame(withKeys({ EventTime: '2024-03-04T00:00:00Z', TimeCreated: '2024-03-04T00:00:09Z' }));
    // A JSON null EventTime is a field with null (the old placeholder deleted it).
    expect(expectSame(withKeys({ EventTime: null }))['EventTime']).toBeNull();
  });

  it('renames that collide keep the NXLog name; Opcode comes from OpcodeValue', () => {
    const f = expectSame(withKeys({ Computer: 'OTHER', ProviderGuid: '{X}', Provider_Guid: '{Y}', Opcode: 'Info' }));
    expect(f['Computer']).toBe('OTHER');
    expect(f['Hostname']).toBe('WS-1.corp.example.com');
    expectSame(withKeys({ Opcode: 'Info' }, ['OpcodeValue']));
    expectSame(withKeys({ EventRecordID: 9 }));
  });

  it('Message back-fill of Sysmon fields NXLog dropped', () => {
    const f = expectSame(withKeys({ Message: 'Network connection detected:\r\nRuleName: -\r\nSourcePortName: \r\nDestinationPortName: https\r\nExtra: v' }, ['SourcePortName']));
    expect(f['Extra']).toBe('v');
  });

  it('not NXLog (no NXLog keys): no renames, "-" kept', () => {
    const o: Obj = { EventID: 3, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'WS-2', UtcTime: '2024-03-04 00:00:00.000', RuleName: '-', DestinationPort: '445', Keywords: 5 };
    const f = expectSame(o);
    expect(f['RuleName']).toBe('-');
  });

  it('unusual layouts take the key-by-key path and agree with it', () => {
    for (const extra of [{ constructor: 'c', toString: 't' }, { 'New Value': 'x' }, { 0: 'zero', 12: 'n' }, { hasOwnProperty: 1 }]) expectSame(withKeys(extra));
    const proto = JSON.parse(`{"EventID":3,"Hostname":"h","__proto__":"p","Image":"i.exe"}`) as Obj;
    const { layout, generic } = both(proto);
    expect(Object.entries(layout)).toEqual(Object.entries(generic));
    expect(Object.prototype.hasOwnProperty.call(layout, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(layout)).toBeNull();
  });

  it('layouts that never repeat (hostile input) stay exact; ordinary ones get constructors again later', () => {
    // 6,000 one-off layouts fill the cache and then take the key-by-key path.
    for (let i = 0; i < 6000; i++) {
      const text = JSON.stringify({ EventID: 3, Hostname: 'h', [`k${i}`]: i, Image: 'a.exe' });
      const f = normalizeJsonRecord(JSON.parse(text) as unknown).fields;
      expect(Object.entries(f)).toEqual(Object.entries(fromFlatGeneric(JSON.parse(text) as Obj, true)));
    }
    // An ordinary stream of a layout not seen before: first the key-by-key path (the cache is
    // full), then, once the misses have emptied the cache, its constructor.
    const fresh = withKeys({ LearntLater: 'x' });
    expect(Object.getPrototypeOf(expectSame(fresh))).toBeNull();
    let fast = false;
    for (let i = 0; i < 5000 && !fast; i++) fast = Object.getPrototypeOf(expectSame(fresh)) !== null;
    expect(fast).toBe(true);
  });

  it('key names that are not identifiers are generated safely', () => {
    const weird = { '"];throw(1);//': 'a', 'a\u2028b': 'c', '\\': 'd', '${x}': 'e', 'é': 'f', '`': 'g' };
    const f = expectSame(withKeys(weird));
    expect(Object.getPrototypeOf(f)).not.toBeNull(); // the generated constructor ran
    expect(f['"];throw(1);//']).toBe('a');
    expect(f['\\']).toBe('d');
  });
});
