import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { CorrelationMatch, DetectionMatch } from '../../engine/index.js';
import { alertJson, hunt } from '../../hunt/run.js';
import { LOG_FORMATS, type LogFormat } from '../../logs/detect.js';
import { formatReadError } from '../../logs/read.js';
import { loadRulePaths } from '../../sigma/index.js';
import { boolOpt, listOpt, parseArgs, stringOpt, UsageError } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { defaultAttackCatalog, defaultListsDir, relativeTo } from '../paths.js';

const HELP = `Usage: dac hunt [--rules PATH]… [--format table|jsonl] [--log-format F] [--strict]
                [--threads N] [--profile sigma|repo] [--] FILE…

Runs rules (files or folders; --rules may repeat; default rules/) over logs: EVTX, event XML
(single event, <Events>, wevtutil output, Event Viewer copy), JSON lines or arrays (Elastic
Agent/winlogbeat ECS, NXLog flat, evtx_dump, Splunk export, Sentinel export), gzip of any.
The format is detected per file; --log-format forces one (${LOG_FORMATS.join(', ')}).
'-' reads standard input.

Options:
  --rules PATH        rule file or folder (repeatable)
  --format table|jsonl
                      table (default): one line per alert; jsonl: one JSON object per alert with
                      rule.id/title/level, source (file, line or record) and event, or for
                      correlations group, window, stats and events (each with its source)
  --log-format F      force the log format
  --strict            stop at the first unreadable record (default: report, count, go on)
  --threads N         worker threads when the input totals 128 MB or more, for each UTF-8
                      JSON-lines or EVTX file of 1 MB or more (not gzip, zip or stdin): they
                      parse and match, this thread correlates, in order.
                      Alerts, their order and the summary do not change. Default: the number
                      of CPUs, at most 4 (1 CPU: none); 0: none
  --profile P         rule profile used to load the rules (default sigma: hunt with any rule)

A summary (events read, skipped, unreadable, alerts per rule, elapsed) goes to stderr; with a
terminal and a large input, so does a progress line.
Exit codes: 0 done, 1 rule errors or (with --strict) an unreadable record, 2 usage error.
`;

export const huntCommand: Command = {
  name: 'hunt',
  summary: 'run rules over logs (EVTX, XML, JSON shapes, gzip) and print alerts',
  help: HELP,
  async run(argv, io) {
    const args = parseArgs(argv, [
      { name: 'rules', type: 'string', multiple: true },
      { name: 'format', type: 'string', choices: ['table', 'jsonl'] },
      { name: 'log-format', type: 'string', choices: LOG_FORMATS },
      { name: 'strict', type: 'boolean' },
      { name: 'profile', type: 'string', choices: ['sigma', 'repo'] },
      { name: 'attack-catalog', type: 'string' },
      { name: 'lists', type: 'string' },
      { name: 'threads', type: 'string' },
    ]);
    const threadsText = stringOpt(args, 'threads');
    const threads = threadsText === undefined ? defaultThreads() : Number(threadsText);
    if (!Number.isInteger(threads) || threads < 0 || threads > 64) throw new UsageError('--threads must be an integer from 0 to 64');
    const files = args.positionals.map((f) => (f === '-' ? f : resolve(io.cwd, f)));
    if (files.length === 0) throw new UsageError('give at least one log file');
    for (const f of files) if (f !== '-' && !existsSync(f)) throw new UsageError(`no such file: ${relativeTo(io.cwd, f)}`);
    const rulePaths = (listOpt(args, 'rules').length ? listOpt(args, 'rules') : ['rules']).map((p) => resolve(io.cwd, p));
    for (const p of rulePaths) if (!existsSync(p)) throw new UsageError(`no such rule file or folder: ${relativeTo(io.cwd, p)}`);
    const catalog = stringOpt(args, 'attack-catalog') ?? defaultAttackCatalog(io);
    const lists = stringOpt(args, 'lists') ?? defaultListsDir(io);
    const loaded = await loadRulePaths(rulePaths, {
      profile: (stringOpt(args, 'profile') ?? 'sigma') as 'sigma' | 'repo',
      ...(catalog ? { attackCatalog: resolve(io.cwd, catalog) } : {}),
      ...(lists ? { listsDir: resolve(io.cwd, lists) } : {}),
    });
    const ruleErrors = loaded.findings.filter((f) => f.severity === 'error');
    for (const f of ruleErrors) io.stderr(`${relativeTo(io.cwd, f.file)}:${f.line}:${f.column}: error ${f.code} ${f.message} (rule skipped)\n`);
    const format = stringOpt(args, 'format') ?? 'table';
    const totalBytes = files.reduce((s, f) => s + (f === '-' ? 0 : statSync(f).size), 0);
    const progress = io.stderrIsTTY && totalBytes > 32 * 1024 * 1024;
    const t0 = performance.now();
    const print = (m: DetectionMatch | CorrelationMatch): void => {
      io.stdout((format === 'jsonl' ? JSON.stringify(alertJson(m)) : tableLine(m, io)) + '\n');
    };
    let readFailure: string | undefined;
    let summary;
    try {
      summary = await hunt({
        rules: loaded.rules,
        files,
        ...(stringOpt(args, 'log-format') ? { format: stringOpt(args, 'log-format') as LogFormat } : {}),
        strict: boolOpt(args, 'strict'),
        threads,
        onDetection: print,
        onCorrelation: print,
        onReadError: (e) => io.stderr(`warning: ${formatReadError({ ...e, file: relativeTo(io.cwd, e.file) })}\n`),
        ...(progress
          ? { onProgress: (n: number) => io.stderr(`\r${n.toLocaleString('en-US')} events, ${Math.round(n / ((performance.now() - t0) / 1000)).toLocaleString('en-US')}/s `) }
          : {}),
      });
    } catch (e) {
      readFailure = e instanceof Error ? e.message : String(e);
    }
    if (progress) io.stderr('\n');
    if (readFailure !== undefined || !summary) {
      io.stderr(`dac hunt: stopped: ${readFailure}\n`);
      return 1;
    }
    for (const p of summary.problems) io.stderr(`${p.severity}: ${p.code} ${p.title}: ${p.message}\n`);
    const lines = [
      `events read: ${summary.events}, skipped (no rule's logsource): ${summary.skipped}, unreadable records: ${summary.readErrors}`,
      ...[...summary.matchesByRule.values()].sort((a, b) => b.count - a.count).map((c) => `  ${String(c.count).padStart(7)}  ${c.title}`),
      `alerts: ${[...summary.matchesByRule.values()].reduce((s, c) => s + c.count, 0)} from ${loaded.rules.length} rule(s) in ${(summary.elapsedMs / 1000).toFixed(2)} s` +
        (summary.parallel.files > 0 ? ` (${summary.parallel.files} file(s) read by ${summary.parallel.threads} worker threads)` : ''),
    ];
    io.stderr(lines.join('\n') + '\n');
    return ruleErrors.length > 0 ? 1 : 0;
  },
};

function tableLine(m: DetectionMatch | CorrelationMatch, io: CliIO): string {
  const lvl = (m.rule.level ?? '-').padEnd(8);
  if (m.kind === 'detection') {
    const f = m.event.fields;
    const when = m.event.time !== undefined ? new Date(m.event.time).toISOString() : '-';
    const where = `${relativeTo(io.cwd, m.event.source.file)}:${m.event.source.line ?? m.event.source.record ?? ''}`;
    return `${when}  ${lvl}  ${m.rule.title}  ${String(f['Computer'] ?? '-')}  ${String(f['Image'] ?? '-')} -> ${String(f['DestinationIp'] ?? '-')}:${String(f['DestinationPort'] ?? '-')}  (${where})`;
  }
  const group = Object.entries(m.group).map(([k, v]) => `${k}=${v}`).join(' ');
  const st = m.stats ? `  active=${m.stats.active} span=${m.stats.span} coverage=${m.stats.coverage.toFixed(2)} cv=${m.stats.cv.toFixed(2)}` : '';
  return `${new Date(m.window.start).toISOString()}  ${lvl}  ${m.rule.title}  [${m.type}] ${group}  value=${m.value} events=${m.eventCount}${st}`;
}

/** Worker threads by default: one per CPU, at most 4; none on one CPU (nothing to gain). */
function defaultThreads(): number {
  const n = availableParallelism();
  return n < 2 ? 0 : Math.min(n, 4);
}
