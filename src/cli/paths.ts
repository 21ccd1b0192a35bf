/** Defaults the commands share: where rules, lists and the ATT&CK catalogue live. */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CliIO } from './io.js';

/** $DAC_ATTACK_CATALOG, else ../shared/data/attack-enterprise.json when it exists, else none. */
export function defaultAttackCatalog(io: CliIO): string | undefined {
  const env = io.env['DAC_ATTACK_CATALOG'];
  if (env) return env;
  const shared = resolve(io.cwd, '../shared/data/attack-enterprise.json');
  return existsSync(shared) ? shared : undefined;
}

/** lists/ in the working directory when it exists. */
export function defaultListsDir(io: CliIO): string | undefined {
  const dir = resolve(io.cwd, 'lists');
  return existsSync(dir) ? dir : undefined;
}

/** A path relative to cwd when inside it (for readable messages), else as given. */
export function relativeTo(cwd: string, file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
