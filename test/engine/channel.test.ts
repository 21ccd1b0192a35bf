/**
 * Logsource selection as SigmaHQ's regression data needs it. Channel: a rule's logsource channels
 * rule out events of another *mapped* channel; an event whose Channel no logsource maps (or that
 * has none) is judged on EventID alone. registry_add: Sysmon 12 (CreateKey) and 13 (SetValue of a
 * new value).
 */
import { describe, expect, it } from 'vitest';
import { isMappedChannel, resolveLogsource } from '../../src/engine/logsource.js';
import { fold } from '../../src/engine/fold.js';
import type { Expr } from '../../src/ir/types.js';
import { detection, match, rawEv } from './build.js';
import { run } from './helpers.js';

const eid = (n: number): Expr => match('EventID', String(n), { origin: 'number' });

describe('events of channels no logsource maps', () => {
  const capi = detection(eid(70), { id: 'capi', logsource: { product: 'windows', service: 'capi2' } });
  const proc = detection(match('Image', '*'), { id: 'proc', logsource: { product: 'windows', category: 'process_creation' } });

  it('isMappedChannel knows service and Sysmon channels (folded), not others', () => {
    for (const c of ['Security', 'System', 'Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-CAPI2/Operational', 'Microsoft-Windows-LDAP-Client/Debug']) {
      expect(isMappedChannel(fold(c))).toBe(true);
    }
    expect(isMappedChannel(fold('Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational'))).toBe(false);
    expect(isMappedChannel('')).toBe(false);
  });

  it('a service rule: its own channel and unmapped channels match, another mapped channel does not', () => {
    const events = [
      rawEv({ EventID: 70, Channel: 'Microsoft-Windows-CAPI2/Operational' }),
      rawEv({ EventID: 70, Channel: 'Acme-Unmapped/Operational' }),
      rawEv({ EventID: 70, Channel: 'System' }),
      rawEv({ EventID: 70, Channel: 'Microsoft-Windows-Sysmon/Operational' }),
      rawEv({ EventID: 70 }),
      rawEv({ EventID: 71, Channel: 'Acme-Unmapped/Operational' }),
    ];
    const r = run([capi], events);
    expect(r.detections.map((d) => d.event.source.record)).toEqual([events[0]!.source.record, events[1]!.source.record, events[4]!.source.record]);
  });

  it('a category rule keeps its EventIDs on an unmapped channel', () => {
    const r = run([proc], [rawEv({ EventID: 1, Channel: 'Acme-Unmapped/Operational', Image: 'a' }), rawEv({ EventID: 3, Channel: 'Acme-Unmapped/Operational', Image: 'a' }), rawEv({ EventID: 1, Channel: 'System', Image: 'a' })]);
    expect(r.detections.map((d) => d.event.fields.EventID)).toEqual([1]);
  });

  it('the channel decision follows each event (cached per channel text, not stuck)', () => {
    const events = ['Acme-Unmapped/Operational', 'System', 'acme-unmapped/operational', 'SYSTEM', 'Microsoft-Windows-CAPI2/Operational'].map((Channel) => rawEv({ EventID: 70, Channel }));
    const r = run([capi], events);
    expect(r.detections.map((d) => d.event.fields.Channel)).toEqual(['Acme-Unmapped/Operational', 'acme-unmapped/operational', 'Microsoft-Windows-CAPI2/Operational']);
  });

  it('services of SigmaHQ regression config resolve to their channels', () => {
    expect(resolveLogsource({ product: 'windows', service: 'ldap' }).selector).toEqual({ channels: ['Microsoft-Windows-LDAP-Client/Debug'] });
    expect(resolveLogsource({ product: 'windows', service: 'iis-configuration' }).selector).toEqual({ channels: ['Microsoft-IIS-Configuration/Operational'] });
    expect(resolveLogsource({ product: 'windows', service: 'kernel-shimengine' }).known).toBe(true);
  });
});

describe('registry_add selects new keys (12) and new values (13)', () => {
  it('resolves to Sysmon 12 and 13', () => {
    expect(resolveLogsource({ product: 'windows', category: 'registry_add' }).selector).toEqual({ eventIds: [12, 13], channels: ['Microsoft-Windows-Sysmon/Operational'] });
  });
  it('matches a SetValue event, not a rename (14)', () => {
    const add = detection(match('TargetObject', '*\\Environment\\LogonScript'), { id: 'add', logsource: { product: 'windows', category: 'registry_add' } });
    const ev = (EventID: number, EventType: string) => rawEv({ EventID, EventType, Channel: 'Microsoft-Windows-Sysmon/Operational', TargetObject: 'HKU\\S-1\\Environment\\LogonScript' });
    const r = run([add], [ev(12, 'CreateKey'), ev(13, 'SetValue'), ev(14, 'RenameKey')]);
    expect(r.detections.map((d) => d.event.fields.EventType)).toEqual(['CreateKey', 'SetValue']);
  });
});
