/**
 * Measures the DGA rule (rules/network_connection/dga_like_hostname.yml) with the real Sigma loader
 * and reference engine: true positive rate per generated DGA family, false positive rate on the
 * popular-domains list (registrable names and `www.` hostnames).
 *
 *   npx tsx scripts/dga/evaluate.ts [--days N] [--per-day N] [--json]
 *
 * The figures in docs/rules.md come from the default run (7 days × 500 names per family).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRulePaths } from '../../src/sigma/index.js';
import { compileRules, createEvaluator } from '../../src/engine/index.js';
import type { CanonicalEvent } from '../../src/logs/event.js';
import { FAMILIES, generate, type Family } from './algorithms.js';

const ROOT = join(import.meta.dirname, '..', '..');
export const RULE_FILE = join(ROOT, 'rules', 'network_connection', 'dga_like_hostname.yml');

export function popularDomains(): string[] {
  return readFileSync(join(import.meta.dirname, 'popular-domains.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Returns a predicate: does the DGA rule fire on a connection to this hostname? */
export async function dgaMatcher(ruleFile = RULE_FILE): Promise<(hostname: string) => boolean> {
  const loaded = await loadRulePaths([ruleFile], { profile: 'repo', listsDir: join(ROOT, 'lists') });
  const errors = loaded.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0 || loaded.rules.length !== 1) {
    throw new Error(`cannot load ${ruleFile}: ${errors.map((f) => `${f.code} ${f.message}`).join('; ')}`);
  }
  const rs = compileRules(loaded.rules);
  const ev = createEvaluator(rs);
  let n = 0;
  return (hostname: string): boolean => {
    const event: CanonicalEvent = {
      fields: {
        EventID: 3,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Image: 'C:\\Users\\user\\AppData\\Local\\Temp\\sample.exe',
        Initiated: true,
        Protocol: 'tcp',
        DestinationIp: '203.0.113.10',
        DestinationPort: 443,
        DestinationHostname: hostname,
      },
      time: Date.UTC(2026, 10, 23) + n++,
      source: { file: 'dga-evaluate' },
    };
    return ev.push(event).length > 0;
  };
}

export interface Figures {
  readonly families: Readonly<Record<Family, { total: number; detected: number; rate: number; samples: string[] }>>;
  readonly popular: { total: number; flagged: number; rate: number; flaggedNames: string[] };
}

export async function evaluate(days = 7, perDay = 500): Promise<Figures> {
  const hits = await dgaMatcher();
  const families = {} as Record<Family, { total: number; detected: number; rate: number; samples: string[] }>;
  for (const f of FAMILIES) {
    let total = 0;
    let detected = 0;
    const samples: string[] = [];
    for (let d = 0; d < days; d++) {
      const names = generate(f, new Date(Date.UTC(2026, 10, 1 + d)), perDay);
      if (d === 0) samples.push(...names.slice(0, 3));
      for (const name of names) {
        total++;
        if (hits(name)) detected++;
      }
    }
    families[f] = { total, detected, rate: detected / total, samples };
  }
  const names = popularDomains();
  const hostnames = [...names, ...names.filter((n) => n.split('.').length === 2).map((n) => `www.${n}`)];
  const flaggedNames = hostnames.filter((h) => hits(h));
  return { families, popular: { total: hostnames.length, flagged: flaggedNames.length, rate: flaggedNames.length / hostnames.length, flaggedNames } };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

export function toMarkdown(f: Figures): string {
  const rows = FAMILIES.map((k) => `| ${k} | ${f.families[k].total} | ${f.families[k].detected} | ${pct(f.families[k].rate)} | \`${f.families[k].samples.join('`, `')}\` |`);
  return [
    '| DGA family (generated) | names | detected | true positive rate | examples |',
    '|---|---:|---:|---:|---|',
    ...rows,
    '',
    `False positives on popular domains: ${f.popular.flagged} of ${f.popular.total} hostnames (${pct(f.popular.rate)})` +
      (f.popular.flaggedNames.length ? `: ${f.popular.flaggedNames.map((n) => `\`${n}\``).join(', ')}` : ''),
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const num = (flag: string, dflt: number): number => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const figures = await evaluate(num('--days', 7), num('--per-day', 500));
  process.stdout.write(args.includes('--json') ? JSON.stringify(figures, null, 2) + '\n' : toMarkdown(figures));
}
