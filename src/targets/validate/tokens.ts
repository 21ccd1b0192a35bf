/**
 * A small tokenizer shared by the structural checks (ES|QL, EQL, SPL): strings with backslash
 * escapes (and ES|QL/EQL triple-quoted strings), back-quoted names, identifiers with dots and
 * `@`, numbers and punctuation. Unterminated strings and unbalanced brackets are problems.
 */
export type TokKind = 'str' | 'num' | 'ident' | 'punct' | 'backq';
export interface Tok {
  readonly kind: TokKind;
  readonly text: string;
  /** String value (unescaped) for 'str'. */
  readonly value?: string;
  readonly pos: number;
}

export function tokenize(q: string, problems: string[], opts: { macroQuotes?: boolean } = {}): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      if (q.startsWith('"""', i)) {
        const end = q.indexOf('"""', i + 3);
        if (end < 0) {
          problems.push(`unterminated """ string at ${i}`);
          return out;
        }
        out.push({ kind: 'str', text: q.slice(i, end + 3), value: q.slice(i + 3, end), pos: start });
        i = end + 3;
        continue;
      }
      let v = '';
      i++;
      let closed = false;
      while (i < q.length) {
        const d = q[i]!;
        if (d === '\\') {
          const e = q[i + 1];
          if (e === undefined) break;
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        v += d;
        i++;
      }
      if (!closed) {
        problems.push(`unterminated string at ${start}`);
        return out;
      }
      out.push({ kind: 'str', text: q.slice(start, i), value: v, pos: start });
      continue;
    }
    if (c === '`') {
      const end = q.indexOf('`', i + 1);
      if (end < 0) {
        problems.push(`unterminated back-quote at ${i}`);
        return out;
      }
      out.push({ kind: opts.macroQuotes ? 'ident' : 'backq', text: q.slice(i, end + 1), pos: start });
      i = end + 1;
      continue;
    }
    if (c === "'") {
      // SPL eval field names in single quotes.
      const end = q.indexOf("'", i + 1);
      if (end < 0) {
        problems.push(`unterminated single quote at ${i}`);
        return out;
      }
      out.push({ kind: 'ident', text: q.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(q.slice(i));
    if (num && !/[A-Za-z_]/.test(q[i + num[0].length] ?? '')) {
      out.push({ kind: 'num', text: num[0], pos: start });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_@][A-Za-z0-9_.@]*~?/.exec(q.slice(i));
    if (id) {
      out.push({ kind: 'ident', text: id[0], pos: start });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|=~|!~)/.exec(q.slice(i));
    const p = op ? op[0] : c;
    out.push({ kind: 'punct', text: p, pos: start });
    i += p.length;
  }
  return out;
}

/** Checks () [] {} balance over tokens (strings already skipped). */
export function checkBalance(toks: readonly Tok[], problems: string[]): void {
  const stack: Tok[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const t of toks) {
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') stack.push(t);
    else if (t.text in pairs) {
      const open = stack.pop();
      if (!open || open.text !== pairs[t.text]) problems.push(`unbalanced '${t.text}' at ${t.pos}`);
    }
  }
  for (const t of stack) problems.push(`unclosed '${t.text}' at ${t.pos}`);
}

/** Function calls: identifier followed by '(' → name, argument count, position. */
export function calls(toks: readonly Tok[]): { name: string; args: number; pos: number; index: number }[] {
  const out: { name: string; args: number; pos: number; index: number }[] = [];
  for (let i = 0; i + 1 < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== 'ident' || toks[i + 1]!.text !== '(') continue;
    let depth = 0;
    let args = 0;
    let any = false;
    for (let j = i + 1; j < toks.length; j++) {
      const u = toks[j]!;
      if (u.kind === 'punct' && (u.text === '(' || u.text === '[')) {
        depth++;
        if (depth === 1) continue;
      } else if (u.kind === 'punct' && (u.text === ')' || u.text === ']')) {
        depth--;
        if (depth === 0) break;
      } else if (depth === 1 && u.kind === 'punct' && u.text === ',') {
        args++;
        continue;
      }
      if (depth >= 1) any = true;
    }
    out.push({ name: t.text, args: any ? args + 1 : 0, pos: t.pos, index: i });
  }
  return out;
}
