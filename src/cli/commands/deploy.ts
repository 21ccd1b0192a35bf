import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DeployTarget } from '../../ir/types.js';
import { ENV_VARS } from '../../deploy/config.js';
import { loadForDeploy, type LoadedForDeploy } from '../../deploy/pipeline.js';
import { runDeploy } from '../../deploy/run.js';
import { boolOpt, parseArgs, stringOpt, UsageError } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { defaultAttackCatalog, defaultListsDir, relativeTo } from '../paths.js';

const envHelp = (Object.keys(ENV_VARS) as DeployTarget[])
  .map((t) => `  ${t}:\n${ENV_VARS[t].map((v) => `    ${v.name.padEnd(30)} ${v.required ? '' : '(optional) '}${v.what}`).join('\n')}`)
  .join('\n');

const HELP = `Usage: dac deploy --target sentinel|splunk|elastic [--plan] [--prune] [paths…]
                  [--timeout MS] [--retries N] [--attack-catalog FILE] [--lists DIR]

Compares the rules (default: rules/) with what the SIEM holds and brings it in line:
create, update, unchanged, and orphans (rules carrying our marker that the repository no longer
has). Only objects dac created are ever touched. Re-running changes nothing.

Options:
  --target T     sentinel | splunk | elastic
  --plan         show what would change, change nothing
  --prune        delete orphans (without it they are listed and kept)
  --timeout MS   per-request timeout (default 30000)
  --retries N    retries for 429/5xx/timeouts/dropped connections (default 4, exponential
                 backoff, Retry-After honoured)

Credentials and endpoints, from the environment only (never printed):
${envHelp}

Exit codes: 0 all rules deployed (or planned), 1 any rule failed, 2 usage or configuration error.
See docs/deploy.md for the permissions each SIEM needs.
`;

/** Prints load findings (errors) and deploy issues; returns how many errors there were. */
export function printLoadProblems(loaded: LoadedForDeploy, io: CliIO): number {
  let errors = 0;
  for (const f of loaded.findings) {
    if (f.severity !== 'error') continue;
    errors++;
    io.stderr(`${relativeTo(io.cwd, f.file)}:${f.line}:${f.column}: error ${f.code} ${f.message}\n`);
  }
  for (const i of loaded.prepared.issues) {
    if (i.severity === 'error') errors++;
    io.stderr(`${relativeTo(io.cwd, i.file)}:${i.line}:${i.column}: ${i.severity} ${i.code}${i.target ? ` [${i.target}]` : ''} ${i.message}\n`);
  }
  for (const s of loaded.prepared.skipped) io.stderr(`note: ${s.key} not deployed on its own: ${s.reason}\n`);
  if (!loaded.catalog) io.stderr('note: no ATT&CK catalogue (--attack-catalog or DAC_ATTACK_CATALOG): threat entries carry ids, not names\n');
  return errors;
}

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'plan or apply the rules to Sentinel, Splunk or Elastic (idempotent)',
  help: HELP,
  async run(argv, io) {
    const args = parseArgs(argv, [
      { name: 'target', type: 'string', choices: ['sentinel', 'splunk', 'elastic'] },
      { name: 'plan', type: 'boolean' },
      { name: 'prune', type: 'boolean' },
      { name: 'timeout', type: 'string' },
      { name: 'retries', type: 'string' },
      { name: 'attack-catalog', type: 'string' },
      { name: 'lists', type: 'string' },
    ]);
    const target = stringOpt(args, 'target') as DeployTarget | undefined;
    if (!target) throw new UsageError('--target is required (sentinel, splunk or elastic)');
    const num = (name: string, min: number, max: number): number | undefined => {
      const v = stringOpt(args, name);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer ${min}..${max}`);
      return n;
    };
    const timeoutMs = num('timeout', 100, 600_000);
    const maxRetries = num('retries', 0, 10);
    const paths = args.positionals.length ? args.positionals : ['rules'];
    for (const p of paths) if (!existsSync(resolve(io.cwd, p))) throw new UsageError(`no such file or folder: ${p}`);
    const catalog = stringOpt(args, 'attack-catalog') ?? defaultAttackCatalog(io);
    if (catalog && !existsSync(resolve(io.cwd, catalog))) throw new UsageError(`ATT&CK catalogue not found: ${catalog}`);
    const lists = stringOpt(args, 'lists') ?? defaultListsDir(io);
    const loaded = await loadForDeploy({
      paths: paths.map((p) => resolve(io.cwd, p)),
      only: [target],
      ...(catalog ? { attackCatalog: resolve(io.cwd, catalog) } : {}),
      ...(lists ? { listsDir: resolve(io.cwd, lists) } : {}),
    });
    const loadErrors = loaded.findings.filter((f) => f.severity === 'error').length;
    printLoadProblems(loaded, io);
    if (loadErrors > 0) {
      // A rule that does not load is unknown to the planner: pruning could delete its deployed copy.
      io.stderr(`dac deploy: ${loadErrors} rule file error(s); fix them first (nothing was sent)\n`);
      return 1;
    }
    const res = await runDeploy({
      target,
      units: loaded.prepared.units,
      env: io.env,
      planOnly: boolOpt(args, 'plan'),
      prune: boolOpt(args, 'prune'),
      out: io.stdout,
      err: io.stderr,
      retry: { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(maxRetries !== undefined ? { maxRetries } : {}) },
    });
    return res.exitCode;
  },
};
