/**
 * Handlebars templates live in templates/ at the repository root and are read at run time,
 * relative to this module: src/deploy under vitest and dist/deploy after `tsc` are both two
 * levels below the root. Output is never HTML-escaped; each format escapes through its helpers.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { armEscapeDeep, armExpressionString, confStanzaName, confValue } from './escape.js';

const hb = Handlebars.create();
hb.registerHelper('json', (v: unknown) => JSON.stringify(v ?? null));
hb.registerHelper('jsonIndent', (v: unknown, spaces: unknown) => {
  const n = typeof spaces === 'number' ? spaces : 2;
  return JSON.stringify(v ?? null, null, 2).replace(/\n/g, '\n' + ' '.repeat(n));
});
hb.registerHelper('armJson', (v: unknown, spaces: unknown) => {
  const n = typeof spaces === 'number' ? spaces : 0;
  return JSON.stringify(armEscapeDeep(v ?? null), null, 2).replace(/\n/g, '\n' + ' '.repeat(n));
});
hb.registerHelper('armString', (s: unknown) => armExpressionString(String(s)));
hb.registerHelper('conf', (s: unknown) => confValue(s === undefined || s === null ? '' : String(s)));
hb.registerHelper('stanza', (s: unknown) => confStanzaName(String(s)));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('join', (a: unknown, sep: unknown) => (Array.isArray(a) ? a.join(typeof sep === 'string' ? sep : ', ') : ''));
// Markdown: code fences must not be closed by content; inline text must not open markup.
hb.registerHelper('fence', (s: unknown) => {
  const text = String(s ?? '');
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
});
hb.registerHelper('md', (s: unknown) => String(s ?? '').replace(/[\\`*_{}[\]<>()#+|!~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' '));

hb.registerHelper('html', (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\r?\n/g, ' '));

const cache = new Map<string, HandlebarsTemplateDelegate>();

export function templatePath(name: string): URL {
  return new URL(`../../templates/${name}`, import.meta.url);
}

/** Renders `templates/<name>` with `data`. */
export function render(name: string, data: unknown): string {
  let t = cache.get(name);
  if (!t) {
    t = hb.compile(readFileSync(templatePath(name), 'utf8'), { noEscape: true, strict: true });
    cache.set(name, t);
  }
  return t(data);
}
