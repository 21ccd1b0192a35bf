import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Profile } from '../../sigma/api.js';
import { runRuleTests } from '../../ruletest/run.js';
import { formatJUnit, formatTable, summarize } from '../../ruletest/report.js';
import { parseArgs, stringOpt, UsageError } from '../args.js';
import type { Command } from '../io.js';
import { defaultAttackCatalog, defaultListsDir, relativeTo } from '../paths.js';

const HELP = `Usage: dac test [paths…] [--junit FILE] [--baseline DIR] [--rule TEXT]
                [--profile repo|sigma] [--attack-catalog FILE] [--lists DIR]

Replays every rule's declared fixtures (tests.fixtures in the rule, paths relative to the rule
file) and the benign baseline corpus through the reference engine, and compares match counts:
events for detection rules, alerts (group × window) for correlations. A rule must stay silent on
the baseline unless it declares tests.baseline. Same as 'npm run test-rules'.

Options:
  --junit FILE        also write JUnit XML (one testsuite per rule)
  --baseline DIR      benign corpus (default: fixtures/baseline when present)
  --rule TEXT         only rules whose id or title contains TEXT
  --profile P         rule profile (default repo: every rule must declare fixtures)
  --attack-catalog F  ATT&CK catalogue (default: $DAC_ATTACK_CATALOG or ../shared/data/…)
  --lists DIR         value lists for |expand (default: lists/)

Prints a table (rule, fixture, expected, actual, PASS/FAIL) and 'N passed, M failed'.
Exit codes: 0 all passed, 1 any failure or rule error, 2 usage error.
`;

export const testCommand: Command = {
  name: 'test',
  summary: "replay each rule's fixtures and the benign baseline (npm run test-rules)",
  help: HELP,
  async run(argv, io) {
    const args = parseArgs(argv, [
      { name: 'junit', type: 'string' },
      { name: 'baseline', type: 'string' },
      { name: 'rule', type: 'string' },
      { name: 'profile', type: 'string', choices: ['sigma', 'repo'] },
      { name: 'attack-catalog', type: 'string' },
      { name: 'lists', type: 'string' },
    ]);
    const started = performance.now();
    const paths = (args.positionals.length ? args.positionals : ['rules']).map((p) => resolve(io.cwd, p));
    for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${relativeTo(io.cwd, p)}`);
    const baselineOpt = stringOpt(args, 'baseline');
    const baseline = baselineOpt ? resolve(io.cwd, baselineOpt) : existsSync(resolve(io.cwd, 'fixtures/baseline')) ? resolve(io.cwd, 'fixtures/baseline') : undefined;
    if (baselineOpt && !existsSync(baseline!)) throw new UsageError(`no such baseline folder: ${baselineOpt}`);
    const catalog = stringOpt(args, 'attack-catalog') ?? defaultAttackCatalog(io);
    const lists = stringOpt(args, 'lists') ?? defaultListsDir(io);
    const only = stringOpt(args, 'rule');
    const report = await runRuleTests({
      rulePaths: paths,
      cwd: io.cwd,
      load: {
        profile: (stringOpt(args, 'profile') ?? 'repo') as Profile,
        ...(catalog ? { attackCatalog: resolve(io.cwd, catalog) } : {}),
        ...(lists ? { listsDir: resolve(io.cwd, lists) } : {}),
      },
      ...(baseline ? { baseline } : {}),
      ...(only ? { only } : {}),
    });
    const loadErrors = report.findings.filter((f) => f.severity === 'error');
    const engineErrors = report.engineProblems.filter((p) => p.severity === 'error');
    for (const f of loadErrors) io.stderr(`${relativeTo(io.cwd, f.file)}:${f.line}:${f.column}: error ${f.code} ${f.message}\n`);
    for (const p of engineErrors) io.stderr(`${relativeTo(io.cwd, p.source.file)}:${p.source.line}:${p.source.column}: error ${p.code} ${p.message}\n`);
    io.stdout(formatTable(report) + '\n\n');
    const { passed, failed } = summarize(report.results);
    const elapsed = performance.now() - started;
    io.stdout(
      `${report.rules} rule(s); baseline: ${report.baselineFiles.length} file(s), ${report.baselineEvents} event(s); ` +
        `${loadErrors.length} rule error(s); ${(elapsed / 1000).toFixed(2)} s\n`,
    );
    // The closing line CI reads.
    io.stdout(`${passed} passed, ${failed + loadErrors.length + engineErrors.length} failed\n`);
    const junit = stringOpt(args, 'junit');
    if (junit) {
      const target = resolve(io.cwd, junit);
      const tmp = `${target}.tmp-${process.pid}`;
      writeFileSync(tmp, formatJUnit(report, elapsed));
      renameSync(tmp, target);
    }
    return failed + loadErrors.length + engineErrors.length > 0 || report.results.length === 0 ? 1 : 0;
  },
};
