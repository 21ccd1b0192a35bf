import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Profile } from '../../sigma/api.js';
import { loadRulePaths } from '../../sigma/index.js';
import { TARGET_IDS, type TargetId } from '../../targets/api.js';
import { compileAll } from '../../targets/batch.js';
import { isTargetId, loadPipeline, PipelineError, ruleKey, TARGETS, type Pipeline } from '../../targets/index.js';
import { boolOpt, parseArgs, stringOpt, UsageError } from '../args.js';
import type { Command } from '../io.js';
import { defaultListsDir, relativeTo } from '../paths.js';

const HELP = `Usage: dac compile [paths…] --target ID|--all [--pipeline FILE] [--out DIR]
                   [--format text|json] [--no-validate] [--profile sigma|repo] [--lists DIR]

Compiles Sigma rules (default: rules/) to SIEM queries.

Targets: ${TARGET_IDS.join(', ')}

Options:
  --target ID        one target (see above)
  --all              every target
  --pipeline FILE    field pipeline (YAML) instead of the target's default in pipelines/;
                     copy one from pipelines/ and edit table/index/macro and field names
  --out DIR          write DIR/<target>/<rule-file-stem>.<ext> (several rules in one file:
                     one query after another, separated by a blank line)
  --format text|json text: the queries (default); json: one object per rule and target per line,
                     {"file","id","target","ok":true,"query"} or
                     {"file","id","target","ok":false,"error":{"code","message"}}
  --no-validate      skip the validators (KQL: Kusto.Language; ES|QL: function definitions;
                     DSL: query shapes; SPL/EQL: structural checks; literal types everywhere)
  --profile sigma|repo  loader profile (default: repo for rules/, sigma otherwise)
  --lists DIR        value lists for |expand placeholders (default: lists/ when present)

Exit codes: 0 all compiled, 1 a rule failed to load or compile, 2 usage error.
`;

export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile rules to KQL, SPL, EQL, ES|QL and Query DSL',
  help: HELP,
  async run(argv, io) {
    const args = parseArgs(argv, [
      { name: 'target', type: 'string' },
      { name: 'all', type: 'boolean' },
      { name: 'pipeline', type: 'string' },
      { name: 'out', type: 'string' },
      { name: 'format', type: 'string', choices: ['text', 'json'] },
      { name: 'no-validate', type: 'boolean' },
      { name: 'profile', type: 'string', choices: ['sigma', 'repo'] },
      { name: 'lists', type: 'string' },
    ]);
    const target = stringOpt(args, 'target');
    const all = boolOpt(args, 'all');
    if (!target && !all) throw new UsageError('give --target ID or --all');
    if (target && all) throw new UsageError('give either --target or --all, not both');
    if (target && !isTargetId(target)) throw new UsageError(`unknown target '${target}' (known: ${TARGET_IDS.join(', ')})`);
    let targets: TargetId[] = all ? [...TARGET_IDS] : [target as TargetId];
    let pipeline: Pipeline | undefined;
    const pipelinePath = stringOpt(args, 'pipeline');
    if (pipelinePath) {
      try {
        pipeline = loadPipeline(resolve(io.cwd, pipelinePath));
      } catch (err) {
        if (err instanceof PipelineError) throw new UsageError(err.message);
        throw err;
      }
      if (all) targets = targets.filter((t) => pipeline!.targets.includes(t));
      else if (!pipeline.targets.includes(targets[0]!)) throw new UsageError(`pipeline '${pipeline.name}' is for ${pipeline.targets.join(', ')}, not ${targets[0]}`);
    }
    const format = stringOpt(args, 'format') ?? 'text';
    const paths = args.positionals.length ? args.positionals : ['rules'];
    for (const p of paths) if (!existsSync(resolve(io.cwd, p))) throw new UsageError(`no such file or folder: ${p}`);
    const profile = (stringOpt(args, 'profile') ?? (args.positionals.length ? 'sigma' : 'repo')) as Profile;
    const listsDir = stringOpt(args, 'lists') ?? defaultListsDir(io);
    const loaded = await loadRulePaths(
      paths.map((p) => resolve(io.cwd, p)),
      { profile, ...(listsDir ? { listsDir: resolve(io.cwd, listsDir) } : {}) },
    );
    let failed = false;
    for (const f of loaded.findings) {
      if (f.severity !== 'error') continue;
      failed = true;
      io.stderr(`${relativeTo(io.cwd, f.file)}:${f.line}:${f.column}: error ${f.code} ${f.message}\n`);
    }
    const items = compileAll(loaded.rules, targets, { ...(pipeline ? { pipeline } : {}), validate: !boolOpt(args, 'no-validate') });
    const outDir = stringOpt(args, 'out');
    const files = new Map<string, string[]>();
    const lines: string[] = [];
    for (const it of items) {
      const file = relativeTo(io.cwd, it.file);
      const id = ruleKey(it.rule);
      if (!it.result.ok) failed = true;
      if (format === 'json') {
        lines.push(
          JSON.stringify(
            it.result.ok
              ? { file, id, target: it.target, ok: true, query: it.result.value.query }
              : { file, id, target: it.target, ok: false, error: { code: it.result.error.code, message: it.result.error.message } },
          ),
        );
      } else if (it.result.ok) {
        if (!outDir) lines.push(`# ${file} ${id} → ${it.target}\n${it.result.value.query}\n`);
      } else {
        io.stderr(`${file}: ${it.target}: ${it.result.error.message}\n`);
      }
      if (outDir && it.result.ok) {
        const stem = basename(it.file, extname(it.file));
        const path = join(resolve(io.cwd, outDir), it.target, `${stem}.${TARGETS[it.target].extension}`);
        const prev = files.get(path) ?? [];
        prev.push(it.result.value.query);
        files.set(path, prev);
      }
    }
    for (const [path, queries] of files) {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, queries.join('\n\n') + '\n');
    }
    if (lines.length) io.stdout(lines.join('\n') + '\n');
    if (format === 'text') {
      const ok = items.filter((i) => i.result.ok).length;
      io.stderr(`${loaded.rules.length} rule(s), ${targets.length} target(s): ${ok} compiled, ${items.length - ok} failed${outDir ? `, ${files.size} file(s) written to ${outDir}` : ''}\n`);
    }
    return failed ? 1 : 0;
  },
};
