/**
 * The dependency rules of ARCHITECTURE.md, checked on the import statements of src/: targets never
 * import engine, engine never imports targets, nothing but cli imports cli, and the IR and the
 * front end import no later stage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(new URL('../../src/', import.meta.url).pathname);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []);
}

/** [importing module's top folder, imported module's top folder] for every relative import. */
const edges: Array<{ file: string; from: string; to: string }> = [];
for (const f of files(SRC)) {
  const from = relative(SRC, f).split('/')[0]!;
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n;]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const target = resolve(dirname(f), m[1]!);
    const to = relative(SRC, target).split('/')[0]!;
    if (to !== from) edges.push({ file: relative(SRC, f), from, to });
  }
}

const forbidden = (from: string, to: string) => edges.filter((e) => e.from === from && e.to === to).map((e) => e.file);

describe('import rules (ARCHITECTURE.md)', () => {
  it('the scan sees the imports it is meant to police', () => {
    expect(edges.some((e) => e.from === 'engine' && e.to === 'ir')).toBe(true);
    expect(edges.some((e) => e.from === 'cli' && e.to === 'engine')).toBe(true);
  });
  it('targets never import engine, engine never imports targets', () => {
    expect(forbidden('targets', 'engine')).toEqual([]);
    expect(forbidden('engine', 'targets')).toEqual([]);
  });
  it('nothing but cli imports cli', () => {
    expect(edges.filter((e) => e.to === 'cli' && e.from !== 'cli').map((e) => e.file)).toEqual([]);
  });
  it('ir imports nothing else; sigma imports only ir', () => {
    expect(edges.filter((e) => e.from === 'ir').map((e) => `${e.file} -> ${e.to}`)).toEqual([]);
    expect(edges.filter((e) => e.from === 'sigma' && e.to !== 'ir').map((e) => `${e.file} -> ${e.to}`)).toEqual([]);
  });
  it('logs (readers) import no rule stage', () => {
    expect(edges.filter((e) => e.from === 'logs' && ['sigma', 'engine', 'targets', 'deploy'].includes(e.to)).map((e) => e.file)).toEqual([]);
  });
});
