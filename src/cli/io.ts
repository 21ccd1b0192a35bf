/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when stderr is a terminal (progress bars). */
  readonly stderrIsTTY: boolean;
}

export interface Command {
  readonly name: string;
  /** One line for `dac --help`. */
  readonly summary: string;
  /** Full help text for `dac <name> --help`. */
  readonly help: string;
  /** Returns the process exit code: 0 ok, 1 findings/failures, 2 usage error. */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}
