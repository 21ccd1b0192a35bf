import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { list as listTar } from 'tar';
import {
  elasticNdjson, elasticRule, markerKey, ruleGuid, sentinelArmTemplate, sentinelRule,
  splunkApp, splunkSavedSearch, splunkSavedSearchesConf,
} from '../../src/deploy/artifacts.js';
import { loadAttackCatalog } from '../../src/deploy/attack.js';
import { parseConf } from '../../src/deploy/conf.js';
import { armLiteralString, confValue } from '../../src/deploy/escape.js';
import { writePackage } from '../../src/deploy/package.js';
import { prepareUnits } from '../../src/deploy/units.js';
import { correlation, deploy, detection, fakeCompiler, NASTY_TITLE } from './build.js';
import { existsSync } from 'node:fs';

const CATALOG = new URL('../../../shared/data/attack-enterprise.json', import.meta.url);
const haveCatalog = existsSync(CATALOG);
if (!haveCatalog) console.warn('ATT&CK catalogue not found: technique-name assertions are skipped');
const catalog = haveCatalog ? loadAttackCatalog(CATALOG.pathname) : undefined;

const rules = [
  detection({ id: '11111111-1111-4111-8111-111111111111', title: 'PowerShell Outbound', deploy: deploy({ suppression: '1h' }) }),
  detection({ id: '22222222-2222-4222-8222-222222222222', title: NASTY_TITLE, level: 'critical', description: 'line one\n[fake stanza]\nkey = injected\nends with backslash \\' }),
  correlation({ id: '33333333-3333-4333-8333-333333333333', title: 'DNS burst', rules: ['11111111-1111-4111-8111-111111111111'] }),
];
const prepared = prepareUnits(rules, fakeCompiler(), { catalog });

describe('Sentinel artifacts', () => {
  it('has every required scheduled-rule property', () => {
    for (const u of prepared.units) {
      const r = sentinelRule(u);
      expect(r.body.kind).toBe('Scheduled');
      for (const k of ['displayName', 'enabled', 'severity', 'query', 'queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold', 'suppressionEnabled', 'suppressionDuration']) {
        expect(r.body.properties, `${u.key} ${k}`).toHaveProperty(k);
      }
      expect(r.name).toBe(u.key);
      expect(markerKey(r.body.properties.description)).toBe(u.key);
    }
  });

  it('maps ATT&CK tags and entities', () => {
    const p = sentinelRule(prepared.units[0]!).body.properties;
    expect(p.tactics).toEqual(['CommandAndControl']);
    expect(p.techniques).toEqual(['T1071']);
    expect(p.subTechniques).toEqual(['T1071.001']);
    expect(p.queryFrequency).toBe('PT5M');
    expect(p.queryPeriod).toBe('PT10M');
    expect(p.suppressionEnabled).toBe(true);
    expect(p.suppressionDuration).toBe('PT1H');
    expect(p.entityMappings).toEqual([
      { entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'Computer' }] },
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'User' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'DestinationIp' }] },
    ]);
  });

  it('ARM template parses, escapes bracketed strings and keeps the title intact', () => {
    const text = sentinelArmTemplate(prepared.units);
    const arm = JSON.parse(text) as { resources: Array<{ type: string; apiVersion: string; name: string; kind: string; properties: Record<string, unknown> }>; parameters: Record<string, unknown> };
    expect(arm.parameters).toHaveProperty('workspace');
    expect(arm.resources).toHaveLength(3);
    for (const r of arm.resources) {
      expect(r.type).toBe('Microsoft.OperationalInsights/workspaces/providers/alertRules');
      expect(r.apiVersion).toBe('2024-09-01');
      expect(r.kind).toBe('Scheduled');
      expect(r.name).toMatch(/^\[concat\(parameters\('workspace'\), '\/Microsoft\.SecurityInsights\/', '[0-9a-f-]{36}'\)\]$/);
    }
    const nasty = arm.resources[1]!.properties;
    // ARM reads `[[…]` as the literal `[…]`: the deployed title is exactly NASTY_TITLE.
    expect(nasty.displayName).toBe(`[${NASTY_TITLE}`);
    expect(armLiteralString('[a] b')).toBe('[a] b');
    expect(text).toMatchSnapshot();
  });
});

describe('Splunk artifacts', () => {
  it('savedsearches.conf parses: one stanza per rule, no injection', () => {
    const text = splunkSavedSearchesConf(prepared.units);
    const parsed = parseConf(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.stanzas.map((s) => s.name)).toEqual(['PowerShell Outbound', NASTY_TITLE, 'DNS burst']);
    const nasty = parsed.stanzas[1]!.entries;
    expect(nasty['description']).toContain('line one\n[fake stanza]\nkey = injected\nends with backslash \\');
    expect(nasty['alert.severity']).toBe('6');
    expect(nasty['cron_schedule']).toBe('*/5 * * * *');
    expect(nasty['dispatch.earliest_time']).toBe('-10m');
    expect(nasty).not.toHaveProperty('key');
    expect(parsed.stanzas[0]!.entries['alert.suppress.period']).toBe('3600s');
    expect(parsed.stanzas[0]!.entries['search']).toContain('\n| table');
    expect(text).toMatchSnapshot();
  });

  it('REST parameters come from the same stanza', () => {
    const s = splunkSavedSearch(prepared.units[1]!);
    expect(s.name).toBe(NASTY_TITLE);
    expect(s.params['is_scheduled']).toBe('1');
    expect(s.params['alert_type']).toBe('number of events');
    expect(markerKey(s.params['description'])).toBe(prepared.units[1]!.key);
  });

  it('app files parse as conf and carry the sysmon macro', () => {
    const app = splunkApp(prepared.units, { app: 'my_app' });
    for (const [rel, text] of app.files) expect(parseConf(text).errors, rel).toEqual([]);
    const macros = parseConf(app.files.get('default/macros.conf')!).stanzas;
    expect(macros[0]!.name).toBe('sysmon');
    expect(macros[0]!.entries['definition']).toContain('Microsoft-Windows-Sysmon/Operational');
    expect(parseConf(app.files.get('default/app.conf')!).stanzas.find((s) => s.name === 'package')!.entries['id']).toBe('my_app');
    expect(() => splunkApp(prepared.units, { app: '../evil' })).toThrow(/app name/);
  });

  it('conf values never open a stanza', () => {
    const v = confValue('a\n[b]\r\nc\\');
    const parsed = parseConf(`[s]\nk = ${v}\n`);
    expect(parsed.stanzas).toHaveLength(1);
    expect(parsed.stanzas[0]!.entries['k']).toBe('a\n[b]\nc\\');
  });
});

describe('Elastic artifacts', () => {
  it('NDJSON: one rule per line with every required property', () => {
    const lines = elasticNdjson(prepared.units).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const r = JSON.parse(line) as Record<string, unknown>;
      for (const k of ['rule_id', 'name', 'description', 'risk_score', 'severity', 'type', 'language', 'query', 'interval', 'from', 'threat']) {
        expect(r, k).toHaveProperty(k);
      }
      expect(r.tags).toContain('managed-by:dac');
    }
    const [eql, nasty, esql] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(eql!.type).toBe('eql');
    expect(eql!.index).toEqual(['logs-windows.sysmon_operational-*', 'winlogbeat-*']);
    expect(eql!.alert_suppression).toEqual({ group_by: ['host.name', 'user.name', 'destination.ip'], duration: { value: 60, unit: 'm' }, missing_fields_strategy: 'suppress' });
    expect(esql!.type).toBe('esql');
    expect(esql!.language).toBe('esql');
    expect(esql).not.toHaveProperty('index');
    expect(nasty!.name).toBe(NASTY_TITLE);
    expect(nasty!.risk_score).toBe(99);
    expect(nasty!.severity).toBe('critical');
    expect(eql!.interval).toBe('5m');
    expect(eql!.from).toBe('now-10m');
    expect(elasticNdjson(prepared.units)).toMatchSnapshot();
  });

  it.skipIf(!haveCatalog)('threat[] carries tactic and technique names from the catalogue', () => {
    const r = elasticRule(prepared.units[0]!);
    expect(r.threat).toEqual([{
      framework: 'MITRE ATT&CK',
      tactic: { id: 'TA0011', name: 'Command and Control', reference: 'https://attack.mitre.org/tactics/TA0011/' },
      technique: [{
        id: 'T1071', name: 'Application Layer Protocol', reference: 'https://attack.mitre.org/techniques/T1071/',
        subtechnique: [{ id: 'T1071.001', name: 'Web Protocols', reference: 'https://attack.mitre.org/techniques/T1071/001/' }],
      }],
    }]);
  });

  it('without a catalogue, ids stand in for names', () => {
    const bare = prepareUnits([rules[0]!], fakeCompiler());
    const t = elasticRule(bare.units[0]!).threat as Array<{ tactic: { id: string }; technique: Array<{ name: string; subtechnique: Array<{ name: string }> }> }>;
    expect(t[0]!.tactic.id).toBe('TA0011');
    expect(t[0]!.technique[0]!.name).toBe('T1071');
    expect(t[0]!.technique[0]!.subtechnique[0]!.name).toBe('T1071.001');
  });
});

describe('settings checks', () => {
  it('reports Sentinel limits as errors with the rule and does not deploy there', () => {
    const bad = detection({
      id: '44444444-4444-4444-8444-444444444444', title: 'Too fast',
      deploy: deploy({ frequency: '1m', lookback: '30s', entities: ['host', 'account', 'ip', 'source_ip', 'process', 'file'] }),
    });
    const p = prepareUnits([bad], fakeCompiler());
    const codes = p.issues.map((i) => i.code).sort();
    expect(codes).toEqual(['DEPLOY_ENTITIES_LIMIT', 'DEPLOY_FREQUENCY_RANGE', 'DEPLOY_LOOKBACK_RANGE', 'DEPLOY_LOOKBACK_SHORT']);
    expect(p.issues[0]!.file).toBe('rules/network_connection/44444444-4444-4444-8444-444444444444.yml');
    expect(p.units[0]!.queries.sentinel).toBeUndefined();
    expect(p.units[0]!.failed.sentinel).toMatch(/DEPLOY_/);
  });

  it('derives defaults from the level and widens lookback for correlations', () => {
    const p = prepareUnits([detection({ id: 'a', title: 'low one', level: 'low' }), correlation({ id: 'c', title: 'corr', rules: ['a'], timespanMs: 3_600_000 })], fakeCompiler());
    expect(p.units[0]!.settings.frequencyMs).toBe(3_600_000);
    expect(p.units[0]!.settings.riskScore).toBe(21);
    expect(p.units[1]!.settings.lookbackMs).toBe(900_000 + 3_600_000);
  });

  it('skips base rules of a generate:false correlation, and stable GUIDs for id-less rules', () => {
    const p = prepareUnits([detection({ id: 'base', title: 'base' }), correlation({ id: 'c', title: 'corr', rules: ['base'], generate: false })], fakeCompiler());
    expect(p.units.map((u) => u.key)).toEqual(['c']);
    expect(p.skipped).toEqual([{ key: 'base', reason: 'referenced by correlation c (generate: false)' }]);
    expect(ruleGuid('base')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ruleGuid('base')).toBe(ruleGuid('base'));
  });

  it('a correlation entity outside its group-by is an error', () => {
    const p = prepareUnits([correlation({ id: 'c', title: 'corr', rules: [], deploy: deploy({ entities: ['ip'] }) })], fakeCompiler());
    expect(p.issues.map((i) => i.code)).toContain('DEPLOY_ENTITY_NOT_IN_OUTPUT');
  });
});

describe('dac package output', () => {
  const dirs: string[] = [];
  afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  it('writes the ARM template, the Splunk app folder and .tgz, and the NDJSON', async () => {
    const out = await mkdtemp(join(tmpdir(), 'dac-pkg-'));
    dirs.push(out);
    const res = await writePackage(prepared.units, out);
    expect(res.files).toEqual([
      'elastic/rules.ndjson',
      'sentinel/azuredeploy.json',
      'splunk/dac_sysmon3_detections.tgz',
      'splunk/dac_sysmon3_detections/default/app.conf',
      'splunk/dac_sysmon3_detections/default/macros.conf',
      'splunk/dac_sysmon3_detections/default/savedsearches.conf',
      'splunk/dac_sysmon3_detections/metadata/default.meta',
    ]);
    const entries: string[] = [];
    await listTar({ file: join(out, 'splunk/dac_sysmon3_detections.tgz'), onReadEntry: (e) => { entries.push(e.path); } });
    expect(entries.sort()).toEqual([
      'dac_sysmon3_detections/default/app.conf',
      'dac_sysmon3_detections/default/macros.conf',
      'dac_sysmon3_detections/default/savedsearches.conf',
      'dac_sysmon3_detections/metadata/default.meta',
    ]);
    const conf = await readFile(join(out, 'splunk/dac_sysmon3_detections/default/savedsearches.conf'), 'utf8');
    expect(parseConf(conf).stanzas).toHaveLength(3);
    expect(await readdir(join(out, 'elastic'))).toEqual(['rules.ndjson']);
  });
});
