import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

function capture(cwd: string, env: Record<string, string> = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd, env, stderrIsTTY: false },
    out: () => out,
    err: () => err,
  };
}

const GOOD = `title: Good rule
logsource:
  product: windows
  category: network_connection
detection:
  selection:
    DestinationPort: 4444
  condition: selection
`;
const BAD = `title: Bad rule
logsource:
  product: windows
  category: network_connection
detection:
  selection:
    Image|endwith: x
  condition: selection
`;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dac-cli-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'good.yml'), GOOD);
  writeFileSync(join(dir, 'bad.yml'), BAD);
  return dir;
}

describe('dac validate', () => {
  it('text: file:line:col lines and a summary; exit 1 on errors', async () => {
    const dir = workspace();
    const c = capture(dir);
    const code = await main(['validate', 'bad.yml', '--profile', 'sigma'], c.io);
    expect(code).toBe(1);
    const lines = c.out().trim().split('\n');
    expect(lines[0]).toBe("bad.yml:7:5: error MOD_UNKNOWN unknown modifier 'endwith'");
    expect(lines[lines.length - 1]).toBe('1 file(s), 0 rule(s) loaded: 1 error(s), 0 warning(s)');
  });

  it('exit 0 when there are no errors; default path is rules/', async () => {
    const dir = workspace();
    const c = capture(dir);
    expect(await main(['validate', '--profile', 'sigma'], c.io)).toBe(0);
    expect(c.out()).toContain('1 file(s), 1 rule(s) loaded: 0 error(s)');
  });

  it('json: one object per finding, then the summary', async () => {
    const dir = workspace();
    const c = capture(dir);
    await main(['validate', 'bad.yml', 'rules', '--profile', 'sigma', '--format', 'json'], c.io);
    const objs = c.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs[0]).toEqual({
      file: 'bad.yml',
      line: 7,
      column: 5,
      severity: 'error',
      code: 'MOD_UNKNOWN',
      message: "unknown modifier 'endwith'",
      rule_id: 'Bad rule',
      hint: expect.stringContaining('known modifiers'),
    });
    expect(objs[objs.length - 1]).toEqual({ summary: { files: 2, rules: 1, errors: 1, warnings: 0 } });
  });

  it('github: workflow annotations with escaped properties', async () => {
    const dir = workspace();
    const c = capture(dir);
    await main(['validate', 'bad.yml', '--profile', 'sigma', '--format', 'github'], c.io);
    expect(c.out().split('\n')[0]).toBe(
      "::error file=bad.yml,line=7,col=5,title=MOD_UNKNOWN::MOD_UNKNOWN unknown modifier 'endwith' (known modifiers: " +
        c.out().split('(known modifiers: ')[1]!.split('\n')[0],
    );
    expect(c.out()).toMatch(/^::error file=bad\.yml,line=7,col=5,title=MOD_UNKNOWN::/);
  });

  it('usage errors exit 2: bad flag, bad choice, missing path', async () => {
    const dir = workspace();
    for (const argv of [['validate', '--nope'], ['validate', '--format', 'xml'], ['validate', 'missing.yml'], ['validate', '--profile']]) {
      const c = capture(dir);
      expect(await main(argv, c.io), argv.join(' ')).toBe(2);
      expect(c.err()).toMatch(/dac validate: /);
    }
  });

  it('every command has --help', async () => {
    const dir = workspace();
    const c = capture(dir);
    expect(await main(['--help'], c.io)).toBe(0);
    const names = [...c.out().matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]!);
    expect(names).toContain('validate');
    for (const n of names) {
      const h = capture(dir);
      expect(await main([n, '--help'], h.io)).toBe(0);
      expect(h.out()).toMatch(/Usage: dac /);
    }
  });

  it('the lazy registry names each command as the command itself does', async () => {
    const { commands } = await import('../../src/cli/commands/index.js');
    for (const entry of commands) {
      const cmd = await entry.load();
      expect(cmd.name).toBe(entry.name);
      expect(cmd.summary).toBe(entry.summary);
    }
  });

  it('reports a missing ATT&CK catalogue once, visibly', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'rules', 'tagged.yml'), GOOD.replace('Good rule', 'Tagged') + 'tags: [attack.t1071]\n');
    const c = capture(join(dir, 'rules'));
    await main(['validate', '.', '--profile', 'sigma'], c.io);
    expect(c.out().match(/ATTACK_CATALOG_MISSING/g)).toHaveLength(1);
  });
});
