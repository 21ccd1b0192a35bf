import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRulePaths } from '../../sigma/index.js';
import { readAllEvents } from '../../logs/index.js';
import { deriveFilter, passesFilter, renderSysmonConfig } from '../../sysmon-config/index.js';
import { listOpt, parseArgs, stringOpt, UsageError } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { defaultAttackCatalog, defaultListsDir } from '../paths.js';

const HELP = `Usage: dac sysmon-config [paths…] [--out FILE] [--exclude TEXT]… [--measure PATH]…
                         [--attack-catalog FILE] [--lists DIR]

Writes a Sysmon configuration (schema 4.90) whose <NetworkConnect onmatch="include"> collects
only the Event ID 3 records the network_connection rules (default: rules/) can match: their
images, ports, destinations. The filter over-approximates each rule (conditions Sysmon cannot
test are dropped, never invented); a rule with no testable condition forces collecting every
connection, and the file says which rule did.

Options:
  --out FILE       write the XML to FILE (default: stdout)
  --exclude TEXT   leave out rules whose id, name or title contains TEXT (repeatable); an
                   excluded correlation also drops its base rules unless another needs them
  --measure PATH   log file or folder (e.g. fixtures/baseline): report on stderr how many of
                   its network connection events the filter keeps and drops
  --attack-catalog FILE, --lists DIR   as for 'dac validate'

Exit codes: 0 written, 1 rule errors, 2 usage error.
`;

function logFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((n) => logFiles(join(path, n)));
}

export const sysmonConfigCommand: Command = {
  name: 'sysmon-config',
  summary: 'write a Sysmon config that collects only what the network rules need',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv, [
      { name: 'out', type: 'string' },
      { name: 'exclude', type: 'string', multiple: true },
      { name: 'measure', type: 'string', multiple: true },
      { name: 'attack-catalog', type: 'string' },
      { name: 'lists', type: 'string' },
    ]);
    const paths = args.positionals.length ? args.positionals : ['rules'];
    for (const p of [...paths, ...listOpt(args, 'measure')]) {
      if (!existsSync(resolve(io.cwd, p))) throw new UsageError(`no such file or folder: ${p}`);
    }
    const catalog = stringOpt(args, 'attack-catalog') ?? defaultAttackCatalog(io);
    const listsDir = stringOpt(args, 'lists') ?? defaultListsDir(io);
    const loaded = await loadRulePaths(paths.map((p) => resolve(io.cwd, p)), {
      profile: 'repo',
      ...(catalog && existsSync(resolve(io.cwd, catalog)) ? { attackCatalog: resolve(io.cwd, catalog) } : {}),
      ...(listsDir ? { listsDir: resolve(io.cwd, listsDir) } : {}),
    });
    const errors = loaded.findings.filter((f) => f.severity === 'error');
    for (const f of errors) io.stderr(`${f.file}:${f.line}:${f.column}: error ${f.code} ${f.message}\n`);
    const filter = deriveFilter(loaded.rules, { exclude: listOpt(args, 'exclude') });
    const xml = renderSysmonConfig(filter);
    const out = stringOpt(args, 'out');
    if (out) writeFileSync(resolve(io.cwd, out), xml);
    else io.stdout(xml);
    io.stderr(`sysmon-config: ${filter.ruleCount} rule(s), ${filter.clauses.length} include clause(s)` +
      (filter.collectAll ? `, collects everything because of: ${filter.broadRules.map((b) => b.title).join('; ')}` : '') + '\n');
    for (const m of listOpt(args, 'measure')) {
      let total = 0;
      let kept = 0;
      for await (const e of readAllEvents(logFiles(resolve(io.cwd, m)))) {
        if (String(e.fields.EventID) !== '3') continue;
        total++;
        if (passesFilter(filter, e)) kept++;
      }
      const pct = total ? ((100 * (total - kept)) / total).toFixed(1) : '0.0';
      io.stderr(`sysmon-config: ${m}: ${total} network connection event(s), kept ${kept}, dropped ${total - kept} (${pct} %)\n`);
    }
    return errors.length > 0 ? 1 : 0;
  },
};
