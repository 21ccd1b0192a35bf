import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { writePackage } from '../../deploy/package.js';
import { loadForDeploy } from '../../deploy/pipeline.js';
import { parseArgs, stringOpt, UsageError } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { defaultAttackCatalog, defaultListsDir, relativeTo } from '../paths.js';
import { printLoadProblems } from './deploy.js';

const HELP = `Usage: dac package [paths…] [--out DIR] [--splunk-app NAME] [--sysmon-macro SPL]
                   [--elastic-index PATTERN]… [--attack-catalog FILE] [--lists DIR]

Builds the deployable artifacts of the rules (default: rules/):
  DIR/sentinel/azuredeploy.json     ARM template with one scheduled analytics rule per rule
                                    (parameter: workspace)
  DIR/splunk/<app>/…, <app>.tgz     Splunk app: savedsearches.conf, macros.conf (sysmon macro),
                                    app.conf, metadata/default.meta
  DIR/elastic/rules.ndjson          Kibana detection rules for _import (EQL / ES|QL)

Options:
  --out DIR               output folder (default: dist-artifacts)
  --splunk-app NAME       Splunk app folder name (default: $DAC_SPLUNK_APP or dac_sysmon3_detections)
  --sysmon-macro SPL      definition of the sysmon macro (where your Sysmon events live)
  --elastic-index PATTERN index pattern for EQL rules (repeatable)
  --attack-catalog FILE   ATT&CK catalogue JSON for threat names (default: $DAC_ATTACK_CATALOG,
                          else ../shared/data/attack-enterprise.json when present)
  --lists DIR             value lists for |expand placeholders (default: lists/)

Rules with errors (validation, compile, deploy settings) are reported and left out; exit 1.
`;

export const packageCommand: Command = {
  name: 'package',
  summary: 'build Sentinel ARM template, Splunk app (.tgz) and Elastic NDJSON',
  help: HELP,
  async run(argv, io: CliIO) {
    const args = parseArgs(argv, [
      { name: 'out', type: 'string' },
      { name: 'splunk-app', type: 'string' },
      { name: 'sysmon-macro', type: 'string' },
      { name: 'elastic-index', type: 'string', multiple: true },
      { name: 'attack-catalog', type: 'string' },
      { name: 'lists', type: 'string' },
    ]);
    const paths = args.positionals.length ? args.positionals : ['rules'];
    for (const p of paths) if (!existsSync(resolve(io.cwd, p))) throw new UsageError(`no such file or folder: ${p}`);
    const catalog = stringOpt(args, 'attack-catalog') ?? defaultAttackCatalog(io);
    if (catalog && !existsSync(resolve(io.cwd, catalog))) throw new UsageError(`ATT&CK catalogue not found: ${catalog}`);
    const lists = stringOpt(args, 'lists') ?? defaultListsDir(io);
    const loaded = await loadForDeploy({
      paths: paths.map((p) => resolve(io.cwd, p)),
      ...(catalog ? { attackCatalog: resolve(io.cwd, catalog) } : {}),
      ...(lists ? { listsDir: resolve(io.cwd, lists) } : {}),
    });
    const bad = printLoadProblems(loaded, io);
    const out = resolve(io.cwd, stringOpt(args, 'out') ?? 'dist-artifacts');
    const index = args.options['elastic-index'];
    const app = stringOpt(args, 'splunk-app') ?? io.env['DAC_SPLUNK_APP'];
    const macro = stringOpt(args, 'sysmon-macro');
    const res = await writePackage(loaded.prepared.units, out, {
      splunk: { ...(app ? { app } : {}), ...(macro ? { sysmonDefinition: macro } : {}) },
      elastic: Array.isArray(index) && index.length > 0 ? { index } : {},
    });
    for (const f of res.files) io.stdout(`wrote ${relativeTo(io.cwd, resolve(out, f))}\n`);
    io.stdout(`packaged: sentinel ${res.counts.sentinel}, splunk ${res.counts.splunk}, elastic ${res.counts.elastic} rule(s)${bad > 0 ? `; ${bad} problem(s) above` : ''}\n`);
    return bad > 0 ? 1 : 0;
  },
};
