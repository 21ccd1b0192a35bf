/**
 * Our literal type check for KQL, on Kusto.Language's analysed tree: Kusto accepts
 * `EventID == "3"` and `dynamicColumn == 4444` without a diagnostic, but the first compares
 * an int with text and the second a dynamic holding a string with a number (never true in
 * Sentinel's Sysmon parser). Every comparison whose one side is a literal must have a typed,
 * same-kind other side.
 */
import type { Pipeline } from '../pipeline.js';
import { kqlParse } from './kql.js';

interface Node {
  readonly Kind: number;
  readonly ChildCount: number;
  GetChild(i: number): Node | null;
  readonly ResultType?: { readonly Name: string | null } | null;
  readonly Left?: Node;
  readonly Right?: Node;
  readonly Operator?: { readonly Text: string };
  ToString?(): string;
}

const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);
const COMPARE = new Set(['==', '!=', '=~', '!~', '<', '<=', '>', '>=']);

function kindNames(): Map<number, string> {
  const SK = (globalThis as unknown as { Kusto: { Language: { Syntax: { SyntaxKind: Record<string, number> } } } }).Kusto.Language.Syntax.SyntaxKind;
  const m = new Map<number, string>();
  for (const [k, v] of Object.entries(SK)) if (typeof v === 'number') m.set(v, k);
  return m;
}
let names: Map<number, string> | undefined;

export function kqlLiteralProblems(query: string, pipeline?: Pipeline): string[] {
  return kqlLiteralProblemsIn(kqlParse(query, pipeline));
}

/** Same, over an already analysed tree (from kqlAnalyze). */
export function kqlLiteralProblemsIn(syntax: unknown): string[] {
  const root = syntax as Node;
  names ??= kindNames();
  const problems: string[] = [];
  const isLiteral = (n: Node) => (names!.get(n.Kind) ?? '').endsWith('LiteralExpression');
  const visit = (n: Node | null): void => {
    if (!n) return;
    if (n.Left && n.Right && n.Operator && COMPARE.has(n.Operator.Text)) {
      for (const [a, b] of [[n.Left, n.Right], [n.Right, n.Left]] as const) {
        if (!isLiteral(b) || isLiteral(a)) continue;
        const ta = a.ResultType?.Name ?? '';
        const tb = b.ResultType?.Name ?? '';
        if (ta === 'dynamic') problems.push(`KQL: a dynamic value compared with the ${tb} literal ${b.ToString?.().trim() ?? ''}: cast it (tostring/toint)`);
        else if (NUMERIC.has(ta) && tb === 'string') problems.push(`KQL: ${ta} compared with the text literal ${b.ToString?.().trim() ?? ''}`);
        else if (ta === 'string' && NUMERIC.has(tb)) problems.push(`KQL: string compared with the number ${b.ToString?.().trim() ?? ''}`);
      }
    }
    for (let i = 0; i < n.ChildCount; i++) visit(n.GetChild(i));
  };
  visit(root);
  return problems;
}
