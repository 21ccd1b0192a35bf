/**
 * `dac test` and `dac hunt` end to end on a small workspace written here: rules with declared
 * fixtures, a baseline, NDJSON (NXLog-style flat) and XML logs.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

function capture(cwd: string): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd, env: {}, stderrIsTTY: false },
    out: () => out,
    err: () => err,
  };
}

/** One Sysmon 3 record in the NXLog flat shape of ../shared/real-logs. */
function flat(image: string, ip: string, port: number, time: string, computer = 'WS01.corp.local'): string {
  return JSON.stringify({
    EventID: 3,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Hostname: computer,
    UtcTime: time,
    ProcessGuid: '{A96EFBF1-A8C9-5C59-0000-0010D274D300}',
    ProcessId: '4242',
    Image: image,
    User: 'CORP\\alice',
    Protocol: 'tcp',
    Initiated: 'true',
    SourceIsIpv6: 'false',
    SourceIp: '10.0.0.5',
    SourceHostname: '-',
    SourcePort: '50123',
    SourcePortName: '-',
    DestinationIsIpv6: 'false',
    DestinationIp: ip,
    DestinationHostname: '-',
    DestinationPort: String(port),
    DestinationPortName: '-',
  });
}

const PS = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

const RULE = `title: PowerShell to a public address
id: 11111111-2222-4333-8444-555555555555
status: experimental
description: PowerShell opened a connection to a public address; check the script that ran.
author: test
date: 2026-11-23
level: medium
tags: [attack.execution, attack.t1059.001]
falsepositives: [admin scripts]
logsource:
  product: windows
  category: network_connection
detection:
  selection:
    Image|endswith: '\\powershell.exe'
  private:
    DestinationIp|cidr: [10.0.0.0/8, 192.168.0.0/16]
  condition: selection and not private
tests:
  fixtures:
    - path: ../fx/positive.jsonl
      expect: 2
    - path: ../fx/negative.jsonl
      expect: 0
`;

const BURST = `title: Many connections to one port
id: 21111111-2222-4333-8444-555555555555
status: experimental
description: Many connections from one process to port 4444 within five minutes on one host.
author: test
date: 2026-11-23
level: high
tags: [attack.command-and-control, attack.t1071]
falsepositives: [none]
correlation:
  type: event_count
  rules: [port_4444]
  group-by: [Computer, Image]
  timespan: 5m
  condition:
    gte: 3
tests:
  fixtures:
    - path: ../fx/burst.jsonl
      expect: 1
    - path: ../fx/negative.jsonl
      expect: 0
---
title: Port 4444
name: port_4444
logsource:
  product: windows
  category: network_connection
detection:
  selection:
    DestinationPort: 4444
  condition: selection
`;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dac-test-'));
  mkdirSync(join(dir, 'rules'));
  mkdirSync(join(dir, 'fx'));
  mkdirSync(join(dir, 'baseline'));
  writeFileSync(join(dir, 'rules', 'ps.yml'), RULE);
  writeFileSync(join(dir, 'rules', 'burst.yml'), BURST);
  writeFileSync(
    join(dir, 'fx', 'positive.jsonl'),
    [flat(PS, '93.184.216.34', 443, '2026-11-23 10:00:00.000'), flat(PS, '2606:4700::1111', 443, '2026-11-23 10:00:05.000')].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'fx', 'negative.jsonl'),
    [flat(PS, '10.1.2.3', 443, '2026-11-23 10:00:00.000'), flat('C:\\Program Files\\Mozilla Firefox\\firefox.exe', '93.184.216.34', 443, '2026-11-23 10:00:01.000')].join('\n') + '\n',
  );
  // three in one 5-minute window (10:00–10:05), a fourth in the next window
  writeFileSync(
    join(dir, 'fx', 'burst.jsonl'),
    ['10:01:00', '10:02:00', '10:04:59', '10:05:00'].map((t) => flat('C:\\Users\\alice\\AppData\\Local\\Temp\\x.exe', '10.9.9.9', 4444, `2026-11-23 ${t}.000`)).join('\n') + '\n',
  );
  writeFileSync(join(dir, 'baseline', 'day.jsonl'), flat('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '142.250.1.1', 443, '2026-11-23 09:00:00.000') + '\n');
  return dir;
}

describe('dac test', () => {
  it('passes when every fixture count matches, writes JUnit, ends with the N passed line', async () => {
    const dir = workspace();
    const c = capture(dir);
    const code = await main(['test', 'rules', '--baseline', 'baseline', '--junit', 'out.xml'], c.io);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    const out = c.out();
    expect(out).toMatch(/PowerShell to a public address\s+fx\/positive\.jsonl\s+2\s+2\s+PASS/);
    expect(out).toMatch(/Many connections to one port\s+fx\/burst\.jsonl\s+1\s+1\s+PASS/);
    expect(out).toMatch(/PowerShell to a public address\s+baseline\s+0\s+0\s+PASS/);
    expect(out).toMatch(/PowerShell to a public address\s+\[sysmon-config\] fx\/positive\.jsonl\s+2\s+2\s+PASS/);
    // 4 fixtures + 2 Sysmon-config checks of positive fixtures + baseline for 3 rules (the base rule too)
    expect(out.trim().split('\n').pop()).toBe('9 passed, 0 failed');
    const junit = readFileSync(join(dir, 'out.xml'), 'utf8');
    expect(junit).toContain('<testsuites name="dac test" tests="9" failures="0"');
    expect(junit).toContain('<testcase classname="11111111-2222-4333-8444-555555555555" name="fx/positive.jsonl (expect 2)"/>');
  });

  it('fails with exit 1 and a JUnit failure when a count differs', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'rules', 'ps.yml'), RULE.replace('expect: 2', 'expect: 3'));
    const c = capture(dir);
    expect(await main(['test', 'rules', '--junit', 'out.xml'], c.io)).toBe(1);
    expect(c.out()).toMatch(/fx\/positive\.jsonl\s+3\s+2\s+FAIL/);
    expect(c.out().trim().split('\n').pop()).toBe('5 passed, 1 failed');
    expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toContain('<failure message="expected 3 match(es), got 2">');
  });

  it('a rule that fires on the baseline without declaring it fails', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'baseline', 'bad.jsonl'), flat(PS, '8.8.8.8', 443, '2026-11-23 09:00:00.000') + '\n');
    const c = capture(dir);
    expect(await main(['test', 'rules', '--baseline', 'baseline'], c.io)).toBe(1);
    expect(c.out()).toMatch(/PowerShell to a public address\s+baseline\s+0\s+1\s+FAIL/);
  });

  it('a missing fixture and a rule error are failures, not crashes', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'rules', 'ps.yml'), RULE.replace('../fx/negative.jsonl', '../fx/nope.jsonl'));
    writeFileSync(join(dir, 'rules', 'broken.yml'), 'title: [unclosed\n');
    const c = capture(dir);
    expect(await main(['test', 'rules'], c.io)).toBe(1);
    expect(c.out()).toContain('fixture not found: fx/nope.jsonl');
    expect(c.err()).toMatch(/rules\/broken\.yml:\d+:\d+: error YAML_SYNTAX/);
  });
});

describe('dac hunt', () => {
  it('jsonl: detection alerts with source and event, correlation alerts with group, window, events', async () => {
    const dir = workspace();
    const c = capture(dir);
    const code = await main(['hunt', '--rules', 'rules', '--format', 'jsonl', 'fx/positive.jsonl', 'fx/burst.jsonl'], c.io);
    expect(code).toBe(0);
    const alerts = c.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const det = alerts.filter((a) => !a['group']);
    const cor = alerts.filter((a) => a['group']);
    expect(det).toHaveLength(2);
    expect(det[0]).toMatchObject({
      rule: { id: '11111111-2222-4333-8444-555555555555', title: 'PowerShell to a public address', level: 'medium' },
      source: { file: join(dir, 'fx/positive.jsonl'), line: 1 },
      event: { Image: PS, DestinationIp: '93.184.216.34', DestinationPort: 443, Initiated: true },
    });
    expect(cor).toHaveLength(1);
    expect(cor[0]).toMatchObject({
      rule: { title: 'Many connections to one port', type: 'event_count' },
      group: { Computer: 'WS01.corp.local', Image: 'C:\\Users\\alice\\AppData\\Local\\Temp\\x.exe' },
      window: { start: '2026-11-23T10:00:00.000Z', end: '2026-11-23T10:05:00.000Z' },
      value: 3,
    });
    expect(cor[0]!['events']).toHaveLength(3);
    expect(cor[0]!['events'][0]).toMatchObject({ source: { line: 1 } });
    expect(c.err()).toMatch(/events read: 6, skipped \(no rule's logsource\): 0, unreadable records: 0/);
  });

  it('bad lines are reported with file and line and skipped; --strict stops', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'mixed.jsonl'), [flat(PS, '8.8.8.8', 443, '2026-11-23 09:00:00.000'), '{not json', flat(PS, '8.8.4.4', 443, '2026-11-23 09:00:01.000')].join('\n') + '\n');
    const c = capture(dir);
    expect(await main(['hunt', '--rules', 'rules', 'mixed.jsonl'], c.io)).toBe(0);
    expect(c.out().trim().split('\n')).toHaveLength(2);
    expect(c.err()).toMatch(/warning: mixed\.jsonl:2: /);
    expect(c.err()).toMatch(/unreadable records: 1/);
    const s = capture(dir);
    expect(await main(['hunt', '--rules', 'rules', '--strict', 'mixed.jsonl'], s.io)).toBe(1);
    expect(s.err()).toMatch(/stopped: .*mixed\.jsonl:2/);
  });

  it('--threads gives the same alerts (a small file stays on the main thread)', async () => {
    const dir = workspace();
    const outs = [];
    for (const t of ['0', '2']) {
      const c = capture(dir);
      expect(await main(['hunt', '--rules', 'rules', '--format', 'jsonl', '--threads', t, 'fx/positive.jsonl'], c.io)).toBe(0);
      expect(c.err()).not.toContain('worker threads');
      outs.push(c.out());
    }
    expect(outs[0]!.length).toBeGreaterThan(0);
    expect(outs[1]).toBe(outs[0]);
  });

  it('usage errors exit 2', async () => {
    const dir = workspace();
    for (const argv of [['hunt'], ['hunt', 'missing.jsonl'], ['hunt', '--log-format', 'nope', 'fx/positive.jsonl'], ['hunt', '--threads', 'two', 'fx/positive.jsonl'], ['hunt', '--threads', '-1', 'fx/positive.jsonl']]) {
      const c = capture(dir);
      expect(await main(argv, c.io), argv.join(' ')).toBe(2);
    }
  });
});
