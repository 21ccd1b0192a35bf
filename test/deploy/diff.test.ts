import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRef, diffRules, renderDiffMarkdown } from '../../src/deploy/diff.js';
import { lineDiff, formatDiff } from '../../src/deploy/linediff.js';

const rule = (id: string, title: string, port: number): string => `title: '${title}'
id: ${id}
status: experimental
description: test rule
author: tests
date: 2026-01-01
tags: [attack.command-and-control, attack.t1571]
logsource:
    product: windows
    category: network_connection
detection:
    selection:
        DestinationPort: ${port}
        Image|endswith: '\\powershell.exe'
    condition: selection
falsepositives: [none]
level: high
`;

const A = '0a000000-0000-4000-8000-00000000000a';
const B = '0b000000-0000-4000-8000-00000000000b';
const C = '0c000000-0000-4000-8000-00000000000c';
let dir: string;
const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dac-diff-'));
  mkdirSync(join(dir, 'rules'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.org');
  git('config', 'user.name', 'tests');
  writeFileSync(join(dir, 'rules/changed.yml'), rule(A, 'Changed rule', 4444));
  writeFileSync(join(dir, 'rules/removed.yml'), rule(B, 'Removed rule', 5555));
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  writeFileSync(join(dir, 'rules/changed.yml'), rule(A, 'Changed rule', 4445));
  unlinkSync(join(dir, 'rules/removed.yml'));
  writeFileSync(join(dir, 'rules/added.yml'), rule(C, 'Added <rule> | `x`', 6666));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dac diff', () => {
  it('finds the added, changed and removed rule with per-target query diffs', async () => {
    const r = await diffRules({ cwd: dir, base: 'main' });
    expect({ added: r.added, changed: r.changed, removed: r.removed, unchanged: r.unchanged }).toEqual({ added: 1, changed: 1, removed: 1, unchanged: 0 });
    expect(r.rules.map((x) => [x.status, x.key])).toEqual([['removed', B], ['changed', A], ['added', C]]);
    const changed = r.rules[1]!;
    expect(changed.targets.map((t) => t.target)).toContain('sentinel');
    const kql = changed.targets.find((t) => t.target === 'sentinel')!.diff;
    expect(kql).toMatch(/^- .*4444/m);
    expect(kql).toMatch(/^\+ .*4445/m);
    const md = renderDiffMarkdown(r);
    expect(md).toContain('**1** added · **1** changed · **1** removed');
    expect(md).toContain('Added \\<rule\\> \\| \\`x\\`');
    expect(md).toContain('```diff');
  });

  it('refuses refs that are unknown or look like options', () => {
    expect(checkRef(dir, '--output=/tmp/x')).toMatch(/not a git ref/);
    expect(checkRef(dir, 'no-such-branch')).toMatch(/does not know/);
    expect(checkRef(dir, 'main')).toBeUndefined();
  });

  it('line diff keeps common lines', () => {
    expect(formatDiff(lineDiff('a\nb\nc', 'a\nx\nc'))).toBe('  a\n- b\n+ x\n  c');
    expect(lineDiff('', 'a')).toEqual([{ op: '+', text: 'a' }]);
  });
});
