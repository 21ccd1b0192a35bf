/**
 * A test-only interpreter of the ES|QL aggregation pipelines we emit for correlations and
 * beacons: WHERE, EVAL (comma-separated assignments, with CASE, DATE_DIFF, TO_DOUBLE, BUCKET),
 * STATS aggregates BY groups (COUNT(*), COUNT(x), SUM, AVG, MIN, MAX, STD_DEV as population
 * standard deviation; BUCKET(@timestamp, N unit) epoch-aligned as Elasticsearch's fixed
 * intervals). Times are epoch milliseconds. Returns the output rows.
 */
import { evalFilter, parseFilter, type ExtraFunctions } from './expr-eval.js';
import type { Row } from './common.js';

type V = string | number | boolean | null;
const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Splits at top-level commas (outside parentheses and strings). */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inStr) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (depth === 0 && s.startsWith(sep, i)) {
      out.push(cur.trim());
      cur = '';
      i += sep.length - 1;
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `N unit(s)` duration literals → milliseconds, written as a number for the parser. */
function durations(s: string): string {
  return s.replace(/\b(\d+) (second|minute|hour|day)s?\b/g, (_, n: string, u: string) => String(Number(n) * UNIT_MS[u]!));
}

const fns: ExtraFunctions = (name, args) => {
  switch (name) {
    case 'bucket':
      return args[0] === null ? null : Math.floor(Number(args[0]) / Number(args[1])) * Number(args[1]);
    case 'case': {
      for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1]!;
      return args.length % 2 === 1 ? args[args.length - 1]! : null;
    }
    case 'date_diff': {
      const unit = String(args[0]).replace(/s$/, '');
      if (args[1] === null || args[2] === null) return null;
      return Math.trunc((Number(args[2]) - Number(args[1])) / UNIT_MS[unit]!);
    }
  }
  return undefined;
};

function assignment(a: string): { name: string; expr: string } {
  const m = /^([A-Za-z_@][A-Za-z0-9_.@]*)\s*=\s*([\s\S]+)$/.exec(a);
  return m ? { name: m[1]!, expr: m[2]! } : { name: a, expr: a };
}

function aggregate(fn: string, arg: string, rows: readonly Row[], types: Readonly<Record<string, string>>): V {
  if (fn === 'count' && arg === '*') return rows.length;
  const n = parseFilter(durations(arg), false);
  const vals = rows.map((r) => evalFilter(n, r, types, fns)).filter((v): v is string | number | boolean => v !== null);
  const nums = vals.map(Number);
  switch (fn) {
    case 'count':
      return vals.length;
    case 'sum':
      return nums.length ? nums.reduce((a, b) => a + b, 0) : null;
    case 'avg':
      return nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null;
    case 'min':
      return nums.length ? Math.min(...nums) : null;
    case 'max':
      return nums.length ? Math.max(...nums) : null;
    case 'std_dev': {
      if (!nums.length) return null;
      const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
      return Math.sqrt(nums.reduce((a, b) => a + (b - mean) * (b - mean), 0) / nums.length);
    }
  }
  throw new Error(`esql-pipeline: aggregate ${fn}`);
}

export function runEsql(query: string, input: readonly Row[], types: Readonly<Record<string, string>>): Row[] {
  let rows: Row[] = [...input];
  const lines = query.split('\n');
  if (!lines[0]!.startsWith('FROM ')) throw new Error('esql-pipeline: FROM first');
  for (const line of lines.slice(1)) {
    const m = /^\| (WHERE|EVAL|STATS) ([\s\S]*)$/.exec(line);
    if (!m) throw new Error(`esql-pipeline: unsupported line ${line.slice(0, 40)}`);
    const body = durations(m[2]!);
    if (m[1] === 'WHERE') {
      const n = parseFilter(body, false);
      rows = rows.filter((r) => evalFilter(n, r, types, fns) === true);
    } else if (m[1] === 'EVAL') {
      const as = splitTop(body, ',').map(assignment).map((a) => ({ name: a.name, n: parseFilter(a.expr, false) }));
      rows = rows.map((r) => {
        const o: Row = { ...r };
        for (const a of as) o[a.name] = evalFilter(a.n, o, types, fns);
        return o;
      });
    } else {
      const [aggPart, byPart] = splitTop(' ' + body, ' BY ').length === 2 ? splitTop(' ' + body, ' BY ') : [body.startsWith('BY ') ? '' : body, body.startsWith('BY ') ? body.slice(3) : ''];
      const aggs = aggPart ? splitTop(aggPart, ',').map(assignment) : [];
      const groups = byPart ? splitTop(byPart, ',').map(assignment).map((g) => ({ name: g.name, n: parseFilter(g.expr, false) })) : [];
      const buckets = new Map<string, { key: Row; rows: Row[] }>();
      for (const r of rows) {
        const key: Row = {};
        for (const g of groups) key[g.name] = evalFilter(g.n, r, types, fns);
        const k = JSON.stringify(groups.map((g) => key[g.name]));
        let b = buckets.get(k);
        if (!b) buckets.set(k, (b = { key, rows: [] }));
        b.rows.push(r);
      }
      rows = [...buckets.values()].map(({ key, rows: rs }) => {
        const o: Row = { ...key };
        for (const a of aggs) {
          const fm = /^([A-Za-z_]+)\(([\s\S]*)\)$/.exec(a.expr.trim());
          if (!fm) throw new Error(`esql-pipeline: aggregate expression ${a.expr}`);
          o[a.name] = aggregate(fm[1]!.toLowerCase(), fm[2]!.trim(), rs, types);
        }
        return o;
      });
    }
  }
  return rows;
}
