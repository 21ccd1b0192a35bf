/**
 * Checks for languages without a published parser here. ES|QL: every command and function name,
 * and each call's argument count, against @elastic/esql-definitions (the definitions Kibana
 * uses). EQL and SPL: STRUCTURAL only (balanced quotes and brackets, known commands, known
 * functions with their argument counts): a query can pass these and still be rejected by the
 * real engine. All three also get our literal type checks (a numeric field compared with a
 * quoted string, a text field with a bare number, an ip field with text that is no address).
 */
import { commandNames } from '@elastic/esql-definitions';
import { functionDefinitions } from '@elastic/esql-definitions/functions';
import type { FieldType, Pipeline } from '../pipeline.js';
import { calls, checkBalance, tokenize, type Tok } from './tokens.js';

const ESQL_FUNCS = new Map<string, { min: number; max: number; type: string }>();
for (const d of functionDefinitions) {
  let min = Infinity;
  let max = 0;
  for (const s of d.signatures) {
    const req = s.params.filter((p) => !p.optional).length;
    min = Math.min(min, req);
    max = Math.max(max, s.variadic ? Infinity : s.params.length);
  }
  ESQL_FUNCS.set(d.name.toLowerCase(), { min, max, type: d.type });
}
const ESQL_COMMANDS = new Set(commandNames.map((c) => c.toUpperCase()));
const ESQL_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'LIKE', 'RLIKE', 'BY', 'WHERE', 'AS', 'STATS', 'EVAL']);
const SPL_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BY', 'AS', 'where', 'search', 'eval', 'IN']);

/** Splits tokens at top-level `|` (outside brackets). */
function segments(toks: readonly Tok[]): Tok[][] {
  const out: Tok[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    if (depth === 0 && t.kind === 'punct' && t.text === '|') out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out;
}

function typeOf(p: Pipeline | undefined, name: string): FieldType | undefined {
  if (!p) return undefined;
  if (p.types[name]) return p.types[name];
  const known = Object.values(p.fields).some((m) => 'to' in m && m.to.includes(name));
  return known ? 'string' : undefined;
}

const CMP = new Set(['==', '!=', '<', '<=', '>', '>=', ':', '=']);

/** `field OP literal` (or literal OP field) whose literal type does not fit the field. */
function literalTypes(toks: readonly Tok[], p: Pipeline | undefined, problems: string[], lang: string): void {
  for (let i = 1; i + 1 < toks.length; i++) {
    const op = toks[i]!;
    if (op.kind !== 'punct' || !CMP.has(op.text)) continue;
    const pairs: [Tok, Tok][] = [[toks[i - 1]!, toks[i + 1]!], [toks[i + 1]!, toks[i - 1]!]];
    for (const [f, lit] of pairs) {
      if (f.kind !== 'ident') continue;
      // A field compared inside a function call's result (e.g. TO_LOWER(f) == "x") is not `f`.
      if (toks[i - 1] === f && toks[i - 2]?.text === '(') continue;
      const t = typeOf(p, f.text.replace(/^'|'$/g, ''));
      if (!t) continue;
      if (t === 'int' && lit.kind === 'str' && !/^-?\d+$/.test(lit.value ?? '')) problems.push(`${lang}: numeric field ${f.text} compared with text ${lit.text}`);
      else if (t === 'int' && lit.kind === 'str') problems.push(`${lang}: numeric field ${f.text} compared with a quoted number ${lit.text} (compare numbers as numbers)`);
      else if ((t === 'string' || t === 'ip') && lit.kind === 'num') problems.push(`${lang}: ${t} field ${f.text} compared with a bare number ${lit.text}`);
      else if (t === 'ip' && lit.kind === 'str' && !/^[0-9A-Fa-f:.]+(\/\d+)?$/.test(lit.value ?? '') && op.text !== '=') problems.push(`${lang}: ip field ${f.text} compared with ${lit.text}, which is not an address`);
    }
  }
}

export function checkEsql(query: string, p?: Pipeline): string[] {
  const problems: string[] = [];
  const toks = tokenize(query, problems);
  checkBalance(toks, problems);
  const segs = segments(toks);
  segs.forEach((seg, i) => {
    const head = seg[0];
    if (!head) return problems.push(`empty command at segment ${i}`);
    const two = `${head.text} ${seg[1]?.text ?? ''}`.toUpperCase();
    const cmd = ESQL_COMMANDS.has(two) ? two : head.text.toUpperCase();
    if (!ESQL_COMMANDS.has(cmd)) problems.push(`unknown ES|QL command '${head.text}'`);
    if (i === 0 && cmd !== 'FROM' && cmd !== 'ROW' && cmd !== 'TS') problems.push(`an ES|QL query starts with a source command, not '${head.text}'`);
    for (const c of calls(seg)) {
      if (ESQL_KEYWORDS.has(c.name.toUpperCase())) continue;
      const def = ESQL_FUNCS.get(c.name.toLowerCase());
      if (!def) {
        problems.push(`unknown ES|QL function '${c.name}'`);
        continue;
      }
      if (c.args < def.min || c.args > def.max) problems.push(`ES|QL function ${c.name} takes ${def.min}..${def.max} arguments, got ${c.args}`);
      if (def.type === 'agg' && cmd !== 'STATS') problems.push(`aggregate ${c.name} outside STATS`);
      if (def.type === 'grouping' && cmd !== 'STATS') problems.push(`grouping function ${c.name} outside STATS … BY`);
    }
  });
  literalTypes(toks, p, problems, 'ES|QL');
  return problems;
}

const EQL_FUNCS: Readonly<Record<string, [number, number]>> = {
  add: [2, 2], between: [3, 5], cidrmatch: [2, Infinity], concat: [1, Infinity], divide: [2, 2], endswith: [2, 2],
  indexof: [2, 3], length: [1, 1], modulo: [2, 2], multiply: [2, 2], number: [1, 2], startswith: [2, 2],
  string: [1, 1], stringcontains: [2, 2], substring: [2, 3], subtract: [2, 2],
};
const EQL_WORDS = new Set(['where', 'and', 'or', 'not', 'sequence', 'by', 'with', 'maxspan', 'any', 'null', 'true', 'false', 'regex', 'regex~', 'like', 'like~', 'in', 'in~', 'until', 'sample', 'runs']);

export function checkEql(query: string, p?: Pipeline): string[] {
  const problems: string[] = [];
  const toks = tokenize(query, problems);
  checkBalance(toks, problems);
  const first = toks[0]?.text;
  if (first !== 'sequence' && toks[1]?.text !== 'where') problems.push("an EQL query is 'category where …' or 'sequence …'");
  for (const c of calls(toks)) {
    const name = c.name.replace(/~$/, '').toLowerCase();
    const ar = EQL_FUNCS[name];
    if (!ar) {
      if (!EQL_WORDS.has(c.name.toLowerCase())) problems.push(`unknown EQL function '${c.name}'`);
      continue;
    }
    if (c.args < ar[0] || c.args > ar[1]) problems.push(`EQL function ${c.name} takes ${ar[0]}..${ar[1]} arguments, got ${c.args}`);
  }
  literalTypes(toks, p, problems, 'EQL');
  return problems;
}

const SPL_COMMANDS = new Set(['search', 'where', 'eval', 'stats', 'fillnull', 'sort', 'streamstats', 'datamodel', 'inputlookup', 'rename', 'fields', 'tstats', 'bin']);
const SPL_FUNCS: Readonly<Record<string, [number, number]>> = {
  match: [2, 2], cidrmatch: [2, 2], lower: [1, 1], isnull: [1, 1], isnotnull: [1, 1], tonumber: [1, 2], if: [3, 3],
  case: [2, Infinity], floor: [1, 1], sqrt: [1, 1], max: [1, Infinity], min: [1, Infinity], substr: [2, 3], len: [1, 1],
  mvcount: [1, 1], split: [2, 2], true: [0, 0], false: [0, 0], null: [0, 0], coalesce: [1, Infinity],
  // stats functions
  count: [0, 1], dc: [1, 1], sum: [1, 1], avg: [1, 1], stdevp: [1, 1], last: [1, 1], eval: [1, 1],
};

export function checkSpl(query: string, p?: Pipeline): string[] {
  const problems: string[] = [];
  const toks = tokenize(query, problems, { macroQuotes: true });
  checkBalance(toks, problems);
  const segs = segments(toks);
  segs.forEach((seg, i) => {
    const head = seg[0];
    if (i === 0) {
      if (head && !head.text.startsWith('`') && head.text !== 'search') problems.push(`an SPL query starts with a macro, 'search' or '|', not '${head.text}'`);
      return;
    }
    if (!head) return problems.push(`empty command at segment ${i}`);
    if (!SPL_COMMANDS.has(head.text)) problems.push(`unknown SPL command '${head.text}'`);
    for (const c of calls(seg)) {
      if (SPL_KEYWORDS.has(c.name)) continue;
      const ar = SPL_FUNCS[c.name.toLowerCase()];
      if (!ar) problems.push(`unknown SPL function '${c.name}'`);
      else if (c.args < ar[0] || c.args > ar[1]) problems.push(`SPL function ${c.name} takes ${ar[0]}..${ar[1]} arguments, got ${c.args}`);
    }
  });
  literalTypes(toks, p, problems, 'SPL');
  return problems;
}
