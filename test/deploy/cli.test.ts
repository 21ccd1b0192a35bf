/**
 * `dac deploy`, `dac package` through the real CLI entry (front end + compilers + deploy) against
 * the local mock SIEM: secrets never reach the captured stdout/stderr, re-runs are unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { envFor, SECRETS, startMockSiem, type MockSiem } from './mock-siem.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let mock: MockSiem;
let captured = '';

function io(env: Record<string, string>): CliIO {
  return { stdout: (t) => { captured += t; }, stderr: (t) => { captured += t; }, cwd: root, env, stderrIsTTY: false };
}

beforeAll(async () => { mock = await startMockSiem(); });
afterAll(async () => { await mock.close(); });

describe('dac deploy (CLI)', () => {
  it.each(['sentinel', 'splunk', 'elastic'])('%s: apply then re-run is all unchanged; secrets stay out of the output', async (target) => {
    const env = envFor(mock.url);
    mock.faults.push({ kind: '401', method: target === 'sentinel' ? 'PUT' : 'POST' });
    const first = await main(['deploy', '--target', target, '--retries', '1', '--timeout', '5000'], io(env));
    expect(first).toBe(1); // one rule hit the 401
    expect(captured).toMatch(/not authenticated \(401\)/);
    await main(['deploy', '--target', target, '--retries', '1', '--timeout', '5000'], io(env));
    const before = captured.length;
    await main(['deploy', '--target', target, '--plan'], io(env));
    const plan = captured.slice(before);
    expect(plan).toMatch(new RegExp(`${target} plan: 0 create, 0 update, [1-9]\\d* unchanged, 0 delete, 0 orphan, \\d+ failed`));
    // What still fails is local (rule settings or compile errors in the content), never the SIEM.
    for (const line of plan.split('\n').filter((l) => l.includes('! failed'))) expect(line).not.toMatch(/HTTP|401|gave up/);
  });

  it('never prints a secret', () => {
    expect(captured.length).toBeGreaterThan(500);
    for (const s of Object.values(SECRETS)) expect(captured).not.toContain(s);
  });

  it('usage errors exit 2', async () => {
    expect(await main(['deploy'], io({}))).toBe(2);
    expect(await main(['deploy', '--target', 'qradar'], io({}))).toBe(2);
    expect(await main(['diff'], io({}))).toBe(2);
    expect(await main(['diff', '--base', '--upload-pack=x'], io({}))).toBe(2);
  });
});

describe('dac package (CLI)', () => {
  const out = mkdtempSync(join(tmpdir(), 'dac-cli-pkg-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  it('writes the three artifacts for the repository rules', async () => {
    captured = '';
    await main(['package', '--out', out], io({}));
    expect(captured).toMatch(/wrote .*sentinel\/azuredeploy\.json/);
    expect(captured).toMatch(/wrote .*splunk\/dac_sysmon3_detections\.tgz/);
    expect(captured).toMatch(/wrote .*elastic\/rules\.ndjson/);
  });
});
