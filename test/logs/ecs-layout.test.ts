/**
 * ECS (winlogbeat / Elastic Agent) records are normalised per layout by a generated constructor
 * (json.ts); it must give exactly what the reference algorithm `fromEcsGeneric` gives, key order
 * included: event data, System names from winlog/ECS (first present wins), ECS fallbacks for
 * Sysmon names, User from user.name/domain, Initiated from network.direction, the IPv6 flags.
 */
import { describe, expect, it } from 'vitest';
import { fromEcsGeneric, normalizeJsonRecord } from '../../src/logs/json.js';
import { toEcs } from '../../src/logs/write.js';
import { sysmon3Corpus } from '../../src/synth/index.js';

type Obj = Record<string, unknown>;

function same(rec: Obj): Record<string, unknown> {
  const text = JSON.stringify(rec);
  const layout = normalizeJsonRecord(JSON.parse(text) as unknown).fields;
  const generic = fromEcsGeneric(JSON.parse(text) as Obj);
  expect(Object.entries(layout)).toEqual(Object.entries(generic));
  for (const name of ['constructor', 'toString', '__proto__']) {
    if (!Object.prototype.hasOwnProperty.call(layout, name)) expect(name in layout).toBe(false);
  }
  return layout;
}

const base = (): Obj => JSON.parse(JSON.stringify(toEcs([...sysmon3Corpus({ count: 1, seed: 'ecs-layout' })][0]!.fields))) as Obj;
const winlog = (o: Obj): Obj => o['winlog'] as Obj;
const data = (o: Obj): Obj => winlog(o)['event_data'] as Obj;

describe('ECS records: layout path equals the reference algorithm', () => {
  it('corpus records, two layouts interleaved', () => {
    let n = 0;
    for (const e of sysmon3Corpus({ count: 2000, seed: 'ecs-layout' })) {
      const rec = JSON.parse(JSON.stringify(toEcs(e.fields))) as Obj;
      if (n % 4 === 0) delete data(rec)['RuleName'];
      const f = same(rec);
      expect(Object.getPrototypeOf(f)).not.toBeNull(); // the generated constructor ran
      n++;
    }
  });

  it('ECS fallbacks when the event data lacks a Sysmon field', () => {
    const o = base();
    for (const k of ['Image', 'User', 'Initiated', 'SourceIsIpv6', 'DestinationIsIpv6', 'DestinationPort', 'ProcessId']) delete data(o)[k];
    o['user'] = { name: 'alice', domain: 'CORP' };
    o['network'] = { direction: 'egress', type: 'ipv6', transport: 'tcp' };
    const f = same(o);
    expect(f['User']).toBe('CORP\\alice');
    expect(f['Initiated']).toBe(true);
    expect(f['SourceIsIpv6']).toBe(true);
    expect(typeof f['DestinationPort']).toBe('number');
    for (const dir of ['ingress', 'outbound', 'inbound', 'sideways']) {
      (o['network'] as Obj)['direction'] = dir;
      same(o);
    }
    o['user'] = { name: 'bob', domain: '' };
    expect(same(o)['User']).toBe('bob');
    o['user'] = { name: 5 };
    same(o);
    (o['network'] as Obj)['type'] = 'other';
    same(o);
  });

  it('first present wins, arrays, nulls, objects where a value is expected', () => {
    const o = base();
    delete winlog(o)['event_id'];
    winlog(o)['keywords'] = ['Audit Success', 'Classic'];
    winlog(o)['computer_name'] = null;
    o['host'] = { name: 'HOST-A', hostname: 'host-b' };
    o['process'] = { executable: { nested: true }, pid: [1, 2] };
    data(o)['RuleName'] = null;
    const f = same(o);
    expect(f['EventID']).toBe(3); // from event.code
    expect(f['Keywords']).toBe('Audit Success, Classic');
    expect(f['Computer']).toBe('HOST-A');
    expect(f['RuleName']).toBe('');
    winlog(o)['keywords'] = ['0x8000000000000000'];
    o['process'] = 'not an object';
    same(o);
  });

  it('unusual layouts take the generic path and agree with it', () => {
    const spaced = base();
    data(spaced)['New Value'] = 'x';
    same(spaced);
    const userData = base();
    winlog(userData)['user_data'] = { Param: { '#text': 'v' } };
    same(userData);
    const dotted = base();
    dotted['winlog.extra'] = 1;
    same(dotted);
    const proto = JSON.parse(JSON.stringify(base()).replace('"RuleName"', '"__proto__"')) as Obj;
    const f = same(proto);
    expect(Object.getPrototypeOf(f)).toBeNull();
  });
});
