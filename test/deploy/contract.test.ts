/**
 * Contract tests of the deploy clients against a local server that speaks the APIs we use,
 * with faults injected: no rule lost, idempotent re-runs, bounded retries, --prune needed for
 * deletes, and no secret in anything printed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeployTarget } from '../../src/ir/types.js';
import { ruleGuid, splunkName } from '../../src/deploy/artifacts.js';
import { runDeploy, type RunDeployResult } from '../../src/deploy/run.js';
import { prepareUnits, type DeployUnit } from '../../src/deploy/units.js';
import { detection, fakeCompiler, NASTY_TITLE } from './build.js';
import { envFor, SECRETS, startMockSiem, type MockSiem } from './mock-siem.js';

const ids = ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-000000000004', 'aaaaaaaa-0000-4000-8000-000000000005'];
const baseRules = ids.map((id, i) => detection({ id, title: i === 2 ? NASTY_TITLE : `Rule ${i + 1}` }));
const edited = baseRules.map((r, i) => (i === 0 ? { ...r, description: 'Edited description.' } : r));
const units = (rules = baseRules, failFor?: Set<string>): readonly DeployUnit[] => prepareUnits(rules, fakeCompiler(failFor)).units;

let mock: MockSiem;
let printed = '';
const delays: number[] = [];

beforeAll(async () => { mock = await startMockSiem({ slowMs: 400 }); });
afterAll(async () => { await mock.close(); });
beforeEach(() => { mock.faults.length = 0; });

async function run(target: DeployTarget, us: readonly DeployUnit[], o: { plan?: boolean; prune?: boolean; env?: Record<string, string> } = {}): Promise<RunDeployResult & { text: string }> {
  let text = '';
  const res = await runDeploy({
    target, units: us, env: o.env ?? envFor(mock.url), planOnly: o.plan ?? false, prune: o.prune ?? false,
    out: (t) => { text += t; }, err: (t) => { text += t; },
    retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5_000, timeoutMs: 150 },
    sleep: async (ms) => { delays.push(ms); },
  });
  printed += text;
  return { ...res, text };
}

function held(target: DeployTarget): number {
  return target === 'sentinel' ? mock.sentinel.size : target === 'splunk' ? mock.splunk.size : mock.kibana.size;
}

/** What identifies one rule's requests: its id in the path (Sentinel) or in the body. */
function faultFor(target: DeployTarget, u: DeployUnit): { path?: string; bodyIncludes?: string } {
  if (target === 'sentinel') return { path: ruleGuid(u.key) };
  if (target === 'splunk') return { bodyIncludes: new URLSearchParams({ name: splunkName(u) }).toString().slice(5) };
  return { bodyIncludes: ruleGuid(u.key) };
}

describe.each(['sentinel', 'splunk', 'elastic'] as const)('%s contract', (target) => {
  it('plan on an empty SIEM changes nothing; apply creates all; a second apply is all unchanged', async () => {
    const p = await run(target, units(), { plan: true });
    expect(p.exitCode).toBe(0);
    expect(p.result!.counts.create).toBe(5);
    expect(held(target)).toBe(0);

    const a = await run(target, units());
    expect(a.exitCode).toBe(0);
    expect(a.result!.counts.create).toBe(5);
    expect(held(target)).toBe(5);

    const again = await run(target, units());
    expect(again.exitCode).toBe(0);
    expect(again.result!.counts).toMatchObject({ create: 0, update: 0, unchanged: 5, failed: 0 });
    expect(again.text).toMatch(new RegExp(`${target} applied: 0 create, 0 update, 5 unchanged`));
  });

  it('titles with quotes, brackets and non-ASCII arrive intact', () => {
    const titles = target === 'sentinel'
      ? [...mock.sentinel.values()].map((v) => (v.body['properties'] as Record<string, unknown>)['displayName'])
      : target === 'splunk' ? [...mock.splunk.keys()] : [...mock.kibana.values()].map((r) => r['name']);
    expect(titles).toContain(NASTY_TITLE);
  });

  it('an edited rule is an update, then unchanged', async () => {
    const p = await run(target, units(edited), { plan: true });
    expect(p.result!.counts).toMatchObject({ update: 1, unchanged: 4 });
    expect(p.text).toMatch(/~ update.*Rule 1.*description/);
    await run(target, units(edited));
    const again = await run(target, units(edited));
    expect(again.result!.counts).toMatchObject({ update: 0, unchanged: 5 });
  });

  it('faults (429 with Retry-After, 500, slow response, dropped connection) are retried and no rule is lost', async () => {
    const more = [...edited, detection({ id: 'aaaaaaaa-0000-4000-8000-000000000006', title: 'Rule 6' }), detection({ id: 'aaaaaaaa-0000-4000-8000-000000000007', title: 'Rule 7' })];
    const us = units(more);
    mock.faults.push(
      { kind: '429', retryAfter: '2', method: 'GET' },
      { kind: '500', ...faultFor(target, us[5]!) },
      { kind: 'slow', ...faultFor(target, us[5]!) },
      { kind: 'drop', ...faultFor(target, us[6]!) },
    );
    delays.length = 0;
    const a = await run(target, us);
    expect(a.text).not.toContain('failed:');
    expect(a.exitCode).toBe(0);
    expect(a.result!.counts).toMatchObject({ create: 2, unchanged: 5, failed: 0 });
    expect(held(target)).toBe(7);
    expect(delays).toContain(2000); // Retry-After: 2 honoured
    expect(a.retries).toBe(4);
    expect(mock.faults.every((f) => f.times === 0)).toBe(true);
    // A dropped create that may have landed is reconciled: the next run is all unchanged.
    const again = await run(target, us);
    expect(again.result!.counts).toMatchObject({ unchanged: 7, failed: 0 });
  });

  it('retries are bounded: a rule whose requests keep failing fails alone, the run goes on, exit 1', async () => {
    const us = units(edited.map((r, i) => (i === 1 ? { ...r, description: 'changed again' } : i === 3 ? { ...r, description: 'changed too' } : r)));
    const f = { kind: '500' as const, ...faultFor(target, us[1]!), times: 100 };
    mock.faults.push(f);
    const before = mock.log.length;
    const a = await run(target, us);
    expect(a.exitCode).toBe(1);
    expect(a.result!.counts, a.text).toMatchObject({ failed: 1, update: 1 });
    expect(a.text).toMatch(/! failed.*gave up after 4 attempts \(last: HTTP 500\)/);
    expect(100 - f.times!).toBe(4); // 1 + maxRetries requests, no more
    expect(mock.log.length - before).toBeLessThan(30);
  });

  it('401 fails that rule with a clear message and the run continues', async () => {
    const us = units(edited.map((r, i) => (i === 1 ? { ...r, description: 'changed again' } : i === 3 ? { ...r, description: 'changed too' } : r)));
    mock.faults.push({ kind: '401', ...faultFor(target, us[1]!) });
    const a = await run(target, us);
    expect(a.exitCode).toBe(1);
    expect(a.result!.counts).toMatchObject({ failed: 1, unchanged: 4 });
    expect(a.text).toMatch(/not authenticated \(401\): check the credentials/);
    const fixed = await run(target, us);
    expect(fixed.exitCode).toBe(0);
    expect(fixed.result!.counts).toMatchObject({ update: 1, unchanged: 4 });
  });

  it('removed rules are orphans kept without --prune, deleted with it; a rule failing locally is never pruned', async () => {
    const keep = baseRules.slice(0, 3);
    // The SIEM holds 7 rules from the tests above; the repository now has 3.
    const p = await run(target, units(keep), { plan: false });
    expect(p.result!.counts).toMatchObject({ orphan: 4, delete: 0 });
    expect(p.text).toMatch(/kept \(use --prune to delete them\)/);
    expect(held(target)).toBe(7);

    // Rule 2 now fails to compile: with --prune, its deployed copy stays.
    const broken = units(keep, new Set([ids[1]!]));
    const pruned = await run(target, broken, { prune: true });
    expect(pruned.result!.counts).toMatchObject({ delete: 4, failed: 1, orphan: 0 });
    expect(pruned.exitCode).toBe(1);
    expect(held(target)).toBe(3);

    await run(target, units(keep), { prune: true });
    const done = await run(target, units(keep), { prune: true });
    expect(done.result!.counts).toMatchObject({ unchanged: 3, delete: 0, orphan: 0, failed: 0 });
  });

  it('bad credentials for listing fail the run with a clear message', async () => {
    const env = { ...envFor(mock.url), DAC_SENTINEL_CLIENT_SECRET: 'wrong-secret-value', DAC_SPLUNK_TOKEN: 'wrong-splunk-token', DAC_KIBANA_API_KEY: 'wrong-kibana-key' };
    const a = await run(target, units(), { env });
    expect(a.exitCode).toBe(1);
    expect(a.text).toMatch(/cannot read the current rules: .*(401)/);
    expect(a.text).not.toMatch(/wrong-secret-value|wrong-splunk-token|wrong-kibana-key/);
  });

  it('missing configuration is a usage error naming the variables', async () => {
    const a = await run(target, units(), { env: {} });
    expect(a.exitCode).toBe(2);
    expect(a.text).toMatch(/missing environment variable\(s\)/);
  });
});

describe('secrets', () => {
  it('never appear in anything printed across all runs', () => {
    expect(printed.length).toBeGreaterThan(1000);
    for (const s of Object.values(SECRETS)) expect(printed).not.toContain(s);
    // The 401 fault echoes the Authorization header: it was seen, and redacted.
    expect(printed).toContain('***');
  });
});
