/**
 * The Sigma condition grammar, least to most binding:
 *   or  <  and  <  not  <  `1 of X` / `any of X` / `all of X`  <  ( … )
 * X is an identifier, a `*` pattern full-matched over identifiers, or `them` (all identifiers not
 * starting with `_`). Operators are case-insensitive. The parser is iterative where input can be
 * long (100,000 tokens of `a or b or …` must not overflow the stack) and caps parenthesis depth.
 */

export type CondNode =
  | { readonly t: 'id'; readonly name: string; readonly offset: number }
  | { readonly t: 'of'; readonly quant: 'one' | 'all'; readonly target: string; readonly offset: number }
  | { readonly t: 'and' | 'or'; readonly items: readonly CondNode[] }
  | { readonly t: 'not'; readonly item: CondNode };

export interface CondError {
  readonly code: string;
  readonly message: string;
  /** Offset in the condition text. */
  readonly offset: number;
}

interface Token {
  readonly v: string;
  readonly lower: string;
  readonly offset: number;
}

const MAX_DEPTH = 200;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '|') {
      out.push({ v: c, lower: c, offset: i });
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && !' \t\n\r()|'.includes(text[i]!)) i++;
    const v = text.slice(start, i);
    out.push({ v, lower: v.toLowerCase(), offset: start });
  }
  return out;
}

const RESERVED = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any', '1']);

export function parseCondition(text: string): { ok: true; node: CondNode } | { ok: false; error: CondError } {
  const toks = tokenize(text);
  let pos = 0;
  const err = (code: string, message: string, offset: number): { ok: false; error: CondError } => ({
    ok: false,
    error: { code, message, offset },
  });
  const peek = (): Token | undefined => toks[pos];

  class Fail {
    constructor(readonly e: CondError) {}
  }
  const fail = (code: string, message: string, offset: number): never => {
    throw new Fail({ code, message, offset });
  };

  const parseOr = (depth: number): CondNode => {
    const items = [parseAnd(depth)];
    while (peek()?.lower === 'or') {
      pos++;
      items.push(parseAnd(depth));
    }
    return items.length === 1 ? items[0]! : { t: 'or', items };
  };
  const parseAnd = (depth: number): CondNode => {
    const items = [parseNot(depth)];
    while (peek()?.lower === 'and') {
      pos++;
      items.push(parseNot(depth));
    }
    return items.length === 1 ? items[0]! : { t: 'and', items };
  };
  const parseNot = (depth: number): CondNode => {
    let nots = 0;
    while (peek()?.lower === 'not') {
      pos++;
      nots++;
    }
    let node = parsePrimary(depth);
    // `not not x` is x; an odd count is one `not`.
    if (nots % 2 === 1) node = { t: 'not', item: node };
    return node;
  };
  const parsePrimary = (depth: number): CondNode => {
    const tok = peek();
    if (!tok) return fail('COND_SYNTAX', 'condition ends where an identifier was expected', text.length);
    if (tok.v === '(') {
      if (depth >= MAX_DEPTH) fail('COND_TOO_DEEP', `parentheses nested deeper than ${MAX_DEPTH}`, tok.offset);
      pos++;
      const inner = parseOr(depth + 1);
      const close = peek();
      if (close?.v !== ')') fail('COND_UNBALANCED', "unbalanced parentheses: missing ')'", close?.offset ?? text.length);
      pos++;
      return inner;
    }
    if (tok.v === ')') fail('COND_UNBALANCED', "unbalanced parentheses: unexpected ')'", tok.offset);
    if (tok.v === '|') {
      fail('COND_AGGREGATION', "aggregation expressions ('| count() …') are Sigma v1 syntax: use a correlation rule", tok.offset);
    }
    if ((tok.lower === '1' || tok.lower === 'any' || tok.lower === 'all') && toks[pos + 1]?.lower === 'of') {
      const target = toks[pos + 2];
      if (!target || target.v === '(' || target.v === ')' || target.v === '|' || (RESERVED.has(target.lower) && target.lower !== 'them')) {
        fail('COND_SYNTAX', `'${tok.v} of' must be followed by an identifier, a pattern or 'them'`, target?.offset ?? text.length);
      }
      pos += 3;
      return { t: 'of', quant: tok.lower === 'all' ? 'all' : 'one', target: target!.lower === 'them' ? 'them' : target!.v, offset: target!.offset };
    }
    if (RESERVED.has(tok.lower)) fail('COND_SYNTAX', `unexpected '${tok.v}' where an identifier was expected`, tok.offset);
    pos++;
    return { t: 'id', name: tok.v, offset: tok.offset };
  };

  try {
    if (toks.length === 0) return err('COND_SYNTAX', 'condition is empty', 0);
    const node = parseOr(0);
    const rest = peek();
    if (rest) {
      if (rest.v === ')') return err('COND_UNBALANCED', "unbalanced parentheses: unexpected ')'", rest.offset);
      if (rest.v === '|') {
        return err('COND_AGGREGATION', "aggregation expressions ('| count() …') are Sigma v1 syntax: use a correlation rule", rest.offset);
      }
      return err('COND_SYNTAX', `unexpected '${rest.v}': expected 'and', 'or' or the end`, rest.offset);
    }
    return { ok: true, node };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, error: e.e };
    if (e instanceof RangeError) return err('COND_TOO_DEEP', 'condition is nested too deeply', 0);
    throw e;
  }
}

/** Full-match of a Sigma identifier pattern (`*` = any run) against a name. */
export function identifierMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const pieces = pattern.split('*');
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const p = pieces[i]!;
    const found = name.indexOf(p, at);
    if (found === -1 || found + p.length > end) return false;
    at = found + p.length;
  }
  return true;
}
