import { describe, expect, it } from 'vitest';
import { resolveLogsource } from '../../src/engine/index.js';
import { detection, match, rawEv } from './build.js';
import { run } from './helpers.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

describe('resolveLogsource', () => {
  it.each([
    [{ product: 'windows', category: 'network_connection' }, { eventIds: [3], channels: [SYSMON] }],
    [{ product: 'windows', category: 'process_creation' }, { eventIds: [1, 4688], channels: [SYSMON, 'Security'] }],
    [{ product: 'windows', category: 'antivirus' }, { eventIds: [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116], channels: ['Microsoft-Windows-Windows Defender/Operational'] }],
    [{ product: 'windows', category: 'registry_event' }, { eventIds: [12, 13, 14], channels: [SYSMON] }],
    [{ product: 'windows', category: 'pipe_created' }, { eventIds: [17, 18], channels: [SYSMON] }],
    [{ product: 'windows', category: 'file_delete' }, { eventIds: [23, 26], channels: [SYSMON] }],
    [{ product: 'windows', category: 'dns_query' }, { eventIds: [22], channels: [SYSMON] }],
    [{ product: 'windows', category: 'sysmon_error' }, { eventIds: [255], channels: [SYSMON] }],
    [{ product: 'windows', service: 'security' }, { channels: ['Security'] }],
    [{ product: 'windows', service: 'sysmon' }, { channels: [SYSMON] }],
    [{ product: 'windows', service: 'powershell-classic' }, { channels: ['Windows PowerShell'] }],
    [{ product: 'windows', category: 'ps_script' }, { eventIds: [4104], channels: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'] }],
    [{ product: 'windows', category: 'ps_classic_start' }, { eventIds: [400], channels: ['Windows PowerShell'] }],
    [{ product: 'windows' }, {}],
  ])('%j', (ls, selector) => {
    const r = resolveLogsource(ls);
    expect(r.known).toBe(true);
    expect(r.selector).toEqual(selector);
  });
  it.each([[{ product: 'linux', category: 'process_creation' }], [{ product: 'windows', category: 'no_such' }], [{ product: 'windows', service: 'constructor' }], [{}]])('unknown: %j', (ls) => {
    expect(resolveLogsource(ls).known).toBe(false);
  });
});

describe('rules apply only to events of their logsource', () => {
  const any = match('Image', '*');
  const net = detection(any, { id: 'net' });
  const proc = detection(any, { id: 'proc', logsource: { product: 'windows', category: 'process_creation' } });
  const sec = detection(match('TargetUserName', '*'), { id: 'sec', logsource: { product: 'windows', service: 'security' } });
  const e3 = rawEv({ EventID: 3, Channel: SYSMON, Image: 'a' });
  const e1 = rawEv({ EventID: '1', Channel: 'microsoft-windows-sysmon/operational', Image: 'a' }); // text EventID, other casing
  const sys1 = rawEv({ EventID: 1, Channel: 'System', Image: 'a' }); // EventID 1 of another log
  const noChannel = rawEv({ EventID: 3, Image: 'a' });
  const sec4624 = rawEv({ EventID: 4624, Channel: 'Security', TargetUserName: 'bob' });
  const other = rawEv({ EventID: 7045, Channel: 'System', ServiceName: 'x' });
  it('selects by EventID and Channel and counts skipped events', () => {
    const r = run([net, proc, sec], [e3, e1, sys1, noChannel, sec4624, other]);
    expect(r.detections.map((d) => `${d.ruleKey}:${d.event.fields.EventID}`)).toEqual(['net:3', 'proc:1', 'net:3', 'sec:4624']);
    expect(r.stats.skipped).toBe(2);
    expect(r.stats.events).toBe(6);
  });
  it('an unknown logsource applies to every event and is reported', () => {
    const linux = detection(any, { id: 'linux', logsource: { product: 'linux', category: 'process_creation' } });
    const r = run([linux], [e3, sys1]);
    expect(r.detections).toHaveLength(2);
    expect(r.rs.problems.map((p) => [p.code, p.severity])).toEqual([['ENGINE_UNKNOWN_LOGSOURCE', 'warning']]);
  });
});
