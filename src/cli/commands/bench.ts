import { existsSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBeacon, benchEndToEnd, benchMatch, benchRead, endToEndInChild, ensureCorpus, firstEvents, formatFigures, type BenchFigure } from '../../bench/run.js';
import type { CanonicalEvent } from '../../logs/event.js';
import { loadRulePaths } from '../../sigma/index.js';
import { sysmon3Corpus } from '../../synth/index.js';
import { parseArgs, stringOpt, UsageError } from '../args.js';
import type { Command } from '../io.js';
import { defaultListsDir } from '../paths.js';

const HELP = `Usage: dac bench [--events N] [--dir DIR] [--rules PATH]

Measures, on a deterministic synthetic Sysmon 3 corpus (generated once into DIR, default
.bench/; not committed): reading NDJSON, XML and EVTX (events/s), matching every single-event
rule over canonical events, NDJSON and EVTX read + normalise + match of all rules end to end
as dac hunt runs it (on one thread, and with its default worker threads), each with its peak
memory (in a child process), and the beacon correlation. Prints a table.

Options:
  --events N   corpus size (default 1000000)
  --dir DIR    cache folder for the corpus (default .bench)
  --rules PATH rules to run (default rules/)
`;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmark readers, engine and beacon correlation (npm run bench)',
  help: HELP,
  async run(argv, io) {
    const args = parseArgs(argv, [
      { name: 'events', type: 'string' },
      { name: 'dir', type: 'string' },
      { name: 'rules', type: 'string' },
      { name: 'phase', type: 'string', choices: ['e2e'] },
      { name: 'threads', type: 'string' },
      { name: 'file', type: 'string' },
    ]);
    const rulesDir = resolve(io.cwd, stringOpt(args, 'rules') ?? 'rules');
    if (!existsSync(rulesDir)) throw new UsageError(`no such rules folder: ${rulesDir}`);
    const lists = defaultListsDir(io);
    const loaded = await loadRulePaths([rulesDir], { profile: 'sigma', ...(lists ? { listsDir: lists } : {}) });
    const rules = loaded.rules;
    if (stringOpt(args, 'phase') === 'e2e') {
      // Child-process phase: one JSON line for the parent.
      const file = stringOpt(args, 'file');
      if (!file) throw new UsageError('--phase e2e needs --file');
      io.stdout(JSON.stringify(await benchEndToEnd(rules, file, Number(stringOpt(args, 'threads') ?? '0'))) + '\n');
      return 0;
    }
    const n = Number(stringOpt(args, 'events') ?? '1000000');
    if (!Number.isInteger(n) || n < 1000) throw new UsageError('--events must be an integer ≥ 1000');
    const dir = resolve(io.cwd, stringOpt(args, 'dir') ?? '.bench');
    io.stderr(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n`);
    const files = await ensureCorpus(dir, n, (s) => io.stderr(s + '\n'));
    const figs: BenchFigure[] = [];
    const step = async (f: () => Promise<BenchFigure> | BenchFigure): Promise<void> => {
      const fig = await f();
      figs.push(fig);
      io.stderr(`  ${fig.name}: ${Math.round(fig.perSecond).toLocaleString('en-US')} events/s\n`);
    };
    await step(() => benchRead('read NDJSON (NXLog flat)', files.ndjson));
    await step(() => benchRead('read XML (<Events>)', files.xml));
    await step(() => benchRead('read EVTX', files.evtx));
    // Matching over canonical events held in memory, twice: as the NDJSON and EVTX readers give
    // them (fast-properties objects built per layout or template) and as objects filled key by
    // key (hash tables: what the XML reader and the generator give).
    const sample = Math.min(n, 200_000);
    const rounds = Math.max(1, Math.round(1_000_000 / sample));
    const read = await firstEvents(files.ndjson, sample);
    await step(() => benchMatch(rules, read, rounds, 'match: single-event rules, events as read from NDJSON'));
    const generated: CanonicalEvent[] = [...sysmon3Corpus({ count: sample, seed: 'bench-v1' })];
    await step(() => benchMatch(rules, generated, rounds, 'match: single-event rules, key-by-key objects'));
    const entry = fileURLToPath(new URL('../../../bin/dac.js', import.meta.url));
    // End to end as `dac hunt` runs it: on one thread, and with its default worker threads.
    const workers = Math.min(availableParallelism(), 4);
    let failed = false;
    // NDJSON is the goal's figure; EVTX compares with EVTX-first hunting tools.
    for (const [file, threads] of [files.ndjson, files.evtx].flatMap((f) => (workers >= 2 ? [0, workers] : [0]).map((t) => [f, t] as const))) {
      const e2e = endToEndInChild(entry, rulesDir, file, io.cwd, threads);
      if ('error' in e2e) {
        failed = true;
        io.stderr(`end-to-end phase failed: ${e2e.error}\n`);
      } else {
        figs.push({ ...e2e, note: `${e2e.note ?? ''}; peak RSS ${e2e.maxRssMb.toFixed(0)} MB` });
        io.stderr(`  ${e2e.name}: ${Math.round(e2e.perSecond).toLocaleString('en-US')} events/s\n`);
      }
    }
    await step(() => benchBeacon(rules, 3));
    io.stdout(formatFigures(figs) + '\n');
    return failed ? 1 : 0;
  },
};
