/** `dac compile` end to end through the CLI entry (in-process, real files). */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const v: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, env: {}, stderrIsTTY: false };
  return { v, out, err };
}

const RULE = `title: Test PowerShell to 4444
id: 5d1c3f0e-8a57-4a52-9d6f-0f2f6a3b9c11
status: test
logsource: { product: windows, category: network_connection }
detection:
  sel:
    Image|endswith: '\\powershell.exe'
    DestinationPort: 4444
  condition: sel
level: high
`;
const HOSTNAME_RULE = RULE.replace('5d1c3f0e-8a57-4a52-9d6f-0f2f6a3b9c11', '6d1c3f0e-8a57-4a52-9d6f-0f2f6a3b9c12').replace("DestinationPort: 4444", "DestinationHostname|endswith: '.evil'").replace('Test PowerShell', 'Test Host');

describe('dac compile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compile-'));
  writeFileSync(join(dir, 'ps.yml'), RULE);
  writeFileSync(join(dir, 'host.yml'), HOSTNAME_RULE);

  it('--target prints the query (text)', async () => {
    const o = io(dir);
    expect(await main(['compile', 'ps.yml', '--target', 'sentinel'], o.v)).toBe(0);
    expect(o.out.join('')).toContain('| where tostring(Image) endswith @"\\powershell.exe" and tostring(DestinationPort) =~ @"4444"');
  });

  it('--all --format json: one object per rule and target, exit 1 when one fails', async () => {
    const o = io(dir);
    expect(await main(['compile', 'ps.yml', 'host.yml', '--all', '--format', 'json'], o.v)).toBe(1);
    const lines = o.out.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(14);
    const bad = lines.filter((l) => l['ok'] === false);
    expect(bad).toEqual([
      { file: 'host.yml', id: '6d1c3f0e-8a57-4a52-9d6f-0f2f6a3b9c12', target: 'splunk-cim', ok: false, error: { code: 'UnmappedField', message: expect.stringContaining("'DestinationHostname'") } },
    ]);
    expect(lines.find((l) => l['target'] === 'elastic-dsl' && l['ok'])).toMatchObject({ file: 'ps.yml', id: '5d1c3f0e-8a57-4a52-9d6f-0f2f6a3b9c11' });
  });

  it('--out writes DIR/<target>/<stem>.<ext>', async () => {
    const o = io(dir);
    expect(await main(['compile', 'ps.yml', '--all', '--out', 'out'], o.v)).toBe(0);
    for (const [t, ext] of [['sentinel', 'kql'], ['splunk', 'spl'], ['elastic-eql', 'eql'], ['elastic-esql', 'esql'], ['elastic-dsl', 'json']]) {
      expect(existsSync(join(dir, 'out', t!, `ps.${ext}`)), `${t}`).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(dir, 'out', 'elastic-dsl', 'ps.json'), 'utf8'))).toHaveProperty('bool');
  });

  it('usage errors exit 2: no target, unknown target, bad pipeline', async () => {
    expect(await main(['compile', 'ps.yml'], io(dir).v)).toBe(2);
    expect(await main(['compile', 'ps.yml', '--target', 'qradar'], io(dir).v)).toBe(2);
    writeFileSync(join(dir, 'bad.yml'), 'name: x\n');
    const o = io(dir);
    expect(await main(['compile', 'ps.yml', '--target', 'splunk', '--pipeline', 'bad.yml'], o.v)).toBe(2);
    expect(o.err.join('')).toContain('invalid pipeline');
  });

  it('--pipeline with a user copy changes the macro', async () => {
    const p = readFileSync(join(import.meta.dirname, '..', '..', 'pipelines', 'splunk-sysmon.yml'), 'utf8').replace('macro: sysmon', 'macro: my_sysmon');
    writeFileSync(join(dir, 'my.yml'), p);
    const o = io(dir);
    expect(await main(['compile', 'ps.yml', '--target', 'splunk', '--pipeline', 'my.yml'], o.v)).toBe(0);
    expect(o.out.join('')).toContain('`my_sysmon` EventCode=3 Image="*\\\\powershell.exe" DestinationPort=4444');
  });
});
