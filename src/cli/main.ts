import { commands } from './commands/index.js';
import { UsageError } from './args.js';
import { processIO, type CliIO } from './io.js';

const USAGE = `dac: detection-as-code for Sysmon Event ID 3

Usage: dac <command> [options]   (dac <command> --help for details)

Commands:
`;

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  return USAGE + commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n') + '\n';
}

/** Runs one CLI invocation; returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? rest[0] : undefined;
    const entry = target ? commands.find((c) => c.name === target) : undefined;
    io.stdout(entry ? (await entry.load()).help : mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout('0.1.0\n');
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`dac: unknown command '${name}'\n\n${mainHelp()}`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`dac ${name}: ${err.message}\n(see 'dac ${name} --help')\n`);
      return 2;
    }
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr(`dac ${name}: internal error: ${msg}\n`);
    return 3;
  }
}
