import { checkRef, diffRules, renderDiffMarkdown } from '../../deploy/diff.js';
import { parseArgs, stringOpt, UsageError } from '../args.js';
import type { Command } from '../io.js';
import { defaultListsDir } from '../paths.js';

const HELP = `Usage: dac diff --base GIT_REF [--format markdown|json] [paths…]

Lists the rules added, changed and removed since GIT_REF (default paths: rules/) and, per target,
the line diff of the compiled query. Old files are read with 'git show GIT_REF:path'.
markdown suits a pull-request comment or $GITHUB_STEP_SUMMARY; json is one object.

Exit codes: 0 done (whether or not rules changed), 2 usage error (unknown ref, bad flag).
`;

export const diffCommand: Command = {
  name: 'diff',
  summary: 'rules and compiled queries changed since a git ref (markdown or json)',
  help: HELP,
  async run(argv, io) {
    const args = parseArgs(argv, [
      { name: 'base', type: 'string' },
      { name: 'format', type: 'string', choices: ['markdown', 'json'] },
      { name: 'lists', type: 'string' },
    ]);
    const base = stringOpt(args, 'base');
    if (!base) throw new UsageError('--base GIT_REF is required');
    const bad = checkRef(io.cwd, base);
    if (bad) throw new UsageError(bad);
    const lists = stringOpt(args, 'lists') ?? defaultListsDir(io);
    const report = await diffRules({
      cwd: io.cwd,
      base,
      ...(args.positionals.length ? { paths: args.positionals } : {}),
      ...(lists ? { listsDir: lists } : {}),
    });
    io.stdout(stringOpt(args, 'format') === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderDiffMarkdown(report));
    return 0;
  },
};
