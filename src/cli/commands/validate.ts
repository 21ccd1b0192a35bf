import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Finding, Profile } from '../../sigma/api.js';
import { loadRulePaths } from '../../sigma/index.js';
import { parseArgs, stringOpt, UsageError } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { defaultAttackCatalog, defaultListsDir, relativeTo } from '../paths.js';

const HELP = `Usage: dac validate [paths…] [--profile sigma|repo] [--format text|json|github]
                    [--attack-catalog FILE] [--lists DIR]

Checks Sigma rule files (default: rules/): YAML, the JSON Schema of the profile, and meaning
(modifiers, conditions, regexes, CIDRs, fields of the logsource, ATT&CK tags, duplicate ids and
titles, correlation references, timespans, expand placeholders).

Options:
  --profile sigma|repo   sigma: what the Sigma specification allows (rules from elsewhere);
                         repo: this repository's stricter profile (default)
  --format text|json|github
                         text: 'file:line:col: severity CODE message' lines and a summary (default)
                         json: one JSON object per finding per line, then {"summary": …}
                         github: GitHub Actions annotations (::error file=…,line=…,col=…::…)
  --attack-catalog FILE  ATT&CK catalogue JSON (default: $DAC_ATTACK_CATALOG, else
                         ../shared/data/attack-enterprise.json when present)
  --lists DIR            value lists for |expand placeholders (default: lists/ when present)

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error.
`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check rule files: schema, meaning, ATT&CK tags, references',
  help: HELP,
  async run(argv, io) {
    const args = parseArgs(argv, [
      { name: 'profile', type: 'string', choices: ['sigma', 'repo'] },
      { name: 'format', type: 'string', choices: ['text', 'json', 'github'] },
      { name: 'attack-catalog', type: 'string' },
      { name: 'lists', type: 'string' },
    ]);
    const profile = (stringOpt(args, 'profile') ?? 'repo') as Profile;
    const format = stringOpt(args, 'format') ?? 'text';
    const paths = args.positionals.length ? args.positionals : ['rules'];
    for (const p of paths) {
      if (!existsSync(resolve(io.cwd, p))) throw new UsageError(`no such file or folder: ${p}`);
    }
    const catalog = stringOpt(args, 'attack-catalog') ?? defaultAttackCatalog(io);
    if (catalog && !existsSync(resolve(io.cwd, catalog))) throw new UsageError(`ATT&CK catalogue not found: ${catalog}`);
    const listsDir = stringOpt(args, 'lists') ?? defaultListsDir(io);
    const result = await loadRulePaths(
      paths.map((p) => resolve(io.cwd, p)),
      {
        profile,
        ...(catalog ? { attackCatalog: resolve(io.cwd, catalog) } : {}),
        ...(listsDir ? { listsDir: resolve(io.cwd, listsDir) } : {}),
      },
    );
    const findings = result.findings.map((f) => ({ ...f, file: f.file === '-' ? '-' : relativeTo(io.cwd, f.file) }));
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.length - errors;
    const summary = { files: result.files, rules: result.rules.length, errors, warnings };
    writeFindings(io, format, findings, summary);
    return errors > 0 ? 1 : 0;
  },
};

interface Summary {
  files: number;
  rules: number;
  errors: number;
  warnings: number;
}

export function writeFindings(io: CliIO, format: string, findings: readonly Finding[], summary: Summary): void {
  const out: string[] = [];
  if (format === 'json') {
    for (const f of findings) {
      out.push(
        JSON.stringify({
          file: f.file,
          line: f.line,
          column: f.column,
          severity: f.severity,
          code: f.code,
          message: f.message,
          rule_id: f.ruleId ?? null,
          ...(f.hint ? { hint: f.hint } : {}),
        }),
      );
    }
    out.push(JSON.stringify({ summary }));
  } else if (format === 'github') {
    for (const f of findings) {
      const level = f.severity === 'error' ? 'error' : 'warning';
      const msg = `${f.code} ${f.message}${f.hint ? ` (${f.hint})` : ''}`;
      out.push(`::${level} file=${ghProp(f.file)},line=${f.line},col=${f.column},title=${ghProp(f.code)}::${ghData(msg)}`);
    }
    out.push(summaryLine(summary));
  } else {
    for (const f of findings) {
      out.push(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}${f.hint ? `\n    hint: ${f.hint}` : ''}`);
    }
    out.push(summaryLine(summary));
  }
  io.stdout(out.join('\n') + '\n');
}

function summaryLine(s: Summary): string {
  return `${s.files} file(s), ${s.rules} rule(s) loaded: ${s.errors} error(s), ${s.warnings} warning(s)`;
}

/** GitHub workflow-command escaping (data and property values differ). */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProp(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
