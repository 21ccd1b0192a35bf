/**
 * The evaluation machinery behind the semantics: per-field plans (results cached per distinct
 * value, or evaluated lazily when values rarely repeat), more leaves on one field than one plan
 * holds, generated rule functions versus closures, and compile errors of shared leaves.
 */
import { describe, expect, it } from 'vitest';
import { compileRules, createEvaluator, parseIPv6 } from '../../src/engine/index.js';
import type { Rule } from '../../src/ir/types.js';
import { sysmon3Corpus } from '../../src/synth/index.js';
import { benchRules } from './bench-rules.js';
import { and, cidr, detection, ev, match, not, or, re } from './build.js';

const keysPerEvent = (rules: Rule[], events: ReturnType<typeof ev>[], codegen = true): string[] => {
  const e = createEvaluator(compileRules(rules, { codegen }));
  return events.map((x) => e.push(x).map((m) => m.ruleKey).join(','));
};

describe('field plans', () => {
  it('values that rarely repeat (the cache gives up) and values that repeat (cached) give the same results', () => {
    const rules = [
      detection(or(cidr('DestinationIp', '10.0.0.0/8'), cidr('DestinationIp', 'fe80::/10')), { id: 'private' }),
      detection(and(match('DestinationIp', '10.1.*'), not(match('DestinationPort', '443', { origin: 'number' }))), { id: 'ten-one' }),
    ];
    const events = [];
    // 20,000 distinct addresses first (more than one cache period), then a few repeated ones.
    for (let i = 0; i < 20_000; i++) events.push(ev({ DestinationIp: `10.${i % 3}.${(i >> 8) & 255}.${i & 255}`, DestinationPort: i % 2 ? 443 : '80' }));
    for (let i = 0; i < 20_000; i++) events.push(ev({ DestinationIp: ['10.1.2.3', '11.0.0.1', 'FE80::1', 'x'][i % 4]!, DestinationPort: 443 }));
    const got = keysPerEvent(rules, events);
    const want = events.map((e) => {
      const ip = String(e.fields['DestinationIp']).toLowerCase();
      const priv = ip.startsWith('10.') || ip.startsWith('fe80:');
      const one = ip.startsWith('10.1.') && e.fields['DestinationPort'] !== 443;
      return [priv ? 'private' : '', one ? 'ten-one' : ''].filter(Boolean).join(',');
    });
    expect(got).toEqual(want);
  });

  it('overlapping networks of several rules on one field, IPv4 and IPv6, cached and not', () => {
    const nets = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3/32', '192.168.0.0/16', '0.0.0.0/1', '::/0', '10.255.255.255/32'];
    const rules = nets.map((n, i) => detection(n === '::/0' ? or(cidr('DestinationIp', n), cidr('DestinationIp', '10.1.0.0/16')) : cidr('DestinationIp', n), { id: `n${i}` }));
    const inNet = (ip: string, net: string): boolean => {
      const [a, bits] = net.split('/') as [string, string];
      if (a.includes(':')) return ip.includes(':');
      const num = (x: string) => x.split('.').reduce((s, o) => s * 256 + Number(o), 0);
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || ip.split('.').some((o) => Number(o) > 255)) return false;
      const size = 2 ** (32 - Number(bits));
      return Math.floor(num(ip) / size) === Math.floor(num(a) / size);
    };
    const ips: string[] = [];
    for (let i = 0; i < 20_000; i++) ips.push(`10.${(i * 7) % 3}.${(i >> 3) % 4}.${i % 256}`, `${(i * 37) % 256}.${i % 7}.0.1`, i % 50 ? '10.255.255.255' : 'fe80::1');
    const events = ips.map((ip) => ev({ DestinationIp: ip }));
    const want = ips.map((ip) => rules.map((_, i) => (nets[i] === '::/0' ? inNet(ip, '::/0') || inNet(ip, '10.1.0.0/16') : inNet(ip, nets[i]!)) ? `n${i}` : '').filter(Boolean).join(','));
    expect(keysPerEvent(rules, events)).toEqual(want);
  });

  it('more leaves on one field than one plan holds', () => {
    const names = Array.from({ length: 70 }, (_, i) => `tool${i}.exe`);
    const rules = names.map((n, i) => detection(match('Image', n, { mod: 'endswith' }), { id: `r${i}` }));
    const events = names.map((n) => ev({ Image: `C:\\X\\${n.toUpperCase()}` }));
    expect(keysPerEvent(rules, events)).toEqual(names.map((_, i) => `r${i}`));
  });

  it('a bad leaf shared by two rules leaves out both rules', () => {
    const bad = re('CommandLine', '(unclosed');
    const rs = compileRules([detection(bad, { id: 'a' }), detection(and(match('Image', 'x'), bad), { id: 'b' })]);
    expect(rs.problems.filter((p) => p.code === 'ENGINE_BAD_LEAF').map((p) => p.ruleKey)).toEqual(['a', 'b']);
    expect(rs.detections).toHaveLength(0);
  });
});

describe('generated rule functions', () => {
  it('agree with closures on a realistic corpus', () => {
    const events = [...sysmon3Corpus({ count: 5000, seed: 'plans' })];
    const a = keysPerEvent(benchRules, events, true);
    expect(a.some((x) => x !== '')).toBe(true);
    expect(keysPerEvent(benchRules, events, false)).toEqual(a);
  });
});

describe('IPv6 text', () => {
  const words = (s: string): string | undefined => {
    const w = parseIPv6(s);
    return w && [...w].map((x) => x.toString(16)).join(':');
  };
  it.each([
    ['::', '0:0:0:0:0:0:0:0'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['1::', '1:0:0:0:0:0:0:0'],
    ['2001:DB8::8:800:200C:417A', '2001:db8:0:0:8:800:200c:417a'],
    ['[fe80::1%eth0]', 'fe80:0:0:0:0:0:0:1'],
    ['::ffff:10.1.2.3', '0:0:0:0:0:ffff:a01:203'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1.2.3.4::', '102:304:0:0:0:0:0:0'],
  ])('%s', (s, w) => expect(words(s)).toBe(w));
  it.each(['1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '1:', '12345::', 'g::', '::1.2.3', '1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', ':::', ''])('not %j', (s) =>
    expect(words(s)).toBeUndefined(),
  );
});
