/**
 * A small, strict argument parser: every command declares its options, unknown flags are usage
 * errors (exit 2). Supports `--flag value`, `--flag=value`, repeated flags, booleans and `--`.
 */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly choices?: readonly string[];
  readonly short?: string;
}

export interface ParsedArgs {
  readonly options: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    if (s.short) byName.set(s.short, s);
  }
  const options: Record<string, string | boolean | string[] | undefined> = Object.create(null);
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.startsWith('--') ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1, eq === -1 ? undefined : eq);
    const spec = byName.get(key);
    if (!spec) throw new UsageError(`unknown option '${arg.slice(0, eq === -1 ? undefined : eq)}'`);
    let value: string | boolean;
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`option '--${spec.name}' takes no value`);
      value = true;
    } else if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`option '--${spec.name}' needs a value`);
      value = next;
      i++;
    }
    if (typeof value === 'string' && spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`option '--${spec.name}' must be one of ${spec.choices.join(', ')} (got '${value}')`);
    }
    if (spec.multiple) {
      const prev = options[spec.name];
      options[spec.name] = [...(Array.isArray(prev) ? prev : []), String(value)];
    } else {
      if (options[spec.name] !== undefined) throw new UsageError(`option '--${spec.name}' given twice`);
      options[spec.name] = value;
    }
  }
  return { options, positionals };
}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}
export function boolOpt(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}
export function listOpt(args: ParsedArgs, name: string): readonly string[] {
  const v = args.options[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}
