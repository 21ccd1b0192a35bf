/**
 * Query DSL type check: every golden elastic-dsl query is written into a (virtual) TypeScript
 * module as `const q: estypes.QueryDslQueryContainer = <json>` and type-checked by tsc against
 * @elastic/elasticsearch's definitions. A deliberately wrong object proves the check is live.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const golden = join(root, 'fixtures', 'golden', 'elastic-dsl');

function typeCheck(objects: readonly string[]): string[] {
  const file = join(root, 'test', 'targets', '__dsl_golden_check__.ts');
  const source =
    "import type { estypes } from '@elastic/elasticsearch';\n" +
    objects.map((o, i) => `export const q${i}: estypes.QueryDslQueryContainer = ${o};`).join('\n') +
    '\n';
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === file ? source : read(f));
  host.fileExists = ((orig) => (f: string) => f === file || orig(f))(host.fileExists.bind(host));
  host.getSourceFile = (f, lang, onError, create) => (f === file ? ts.createSourceFile(f, source, lang) : getSource(f, lang, onError, create));
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('Query DSL against estypes', () => {
  it('every golden query type-checks as QueryDslQueryContainer', () => {
    const objects: string[] = [];
    for (const f of readdirSync(golden).filter((n) => n.endsWith('.json'))) {
      // A file may hold several queries (one per rule), separated by a newline between objects.
      const text = readFileSync(join(golden, f), 'utf8');
      for (const chunk of text.split(/\n(?=\{)/)) objects.push(JSON.stringify(JSON.parse(chunk)));
    }
    expect(objects.length).toBeGreaterThan(10);
    expect(typeCheck(objects)).toEqual([]);
  });

  it('a wrong query is rejected by the same check', () => {
    const problems = typeCheck([JSON.stringify({ term: { 'destination.port': { value: 443, case_insensitive: 'yes' } } }), JSON.stringify({ wildcardz: {} })]);
    expect(problems.length).toBeGreaterThanOrEqual(2);
  });
});
