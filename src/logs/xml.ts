/**
 * A small, non-validating XML parser for the subset Windows event XML uses (elements, attributes,
 * text, the five named entities, numeric character references, CDATA, comments, processing
 * instructions). It scans with indexOf and charCodeAt only: no regular expressions, no DTDs (a
 * DOCTYPE with an internal subset is refused, so no entity expansion), bounded nesting depth, so
 * attacker-controlled text cannot make it hang or blow the stack.
 *
 * `parseXmlTree` builds a tiny tree; `eventFieldsFromTree` flattens an `<Event>` into canonical
 * fields (see event.ts for the naming rules). Both EVTX (via the BinXML renderer) and text XML
 * go through `eventFieldsFromTree`, so every format names fields identically.
 */
import type { FieldValue } from './event.js';
import { newFields, spacedNameAliases, SYSTEM_ELEMENT_NAMES, typeField } from './fields.js';

export interface XNode {
  /** Local name (namespace prefix removed). */
  name: string;
  attrs: Array<[string, string]> | null;
  children: XNode[] | null;
  /** Concatenated character data directly inside this element. */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** Maximum element nesting accepted (Windows events nest 4–6 deep). */
export const MAX_XML_DEPTH = 64;

function localName(qname: string): string {
  const c = qname.indexOf(':');
  return c < 0 ? qname : qname.slice(c + 1);
}

function isNameEnd(c: number): boolean {
  // whitespace, '/', '>', '=', end
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 47 || c === 62 || c === 61 || Number.isNaN(c);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Replace entity and character references; unknown entities stay literal. */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) {
      amp = s.indexOf('&', amp + 1);
      continue;
    }
    const ent = s.slice(amp + 1, semi);
    let rep: string | undefined;
    switch (ent) {
      case 'lt': rep = '<'; break;
      case 'gt': rep = '>'; break;
      case 'amp': rep = '&'; break;
      case 'quot': rep = '"'; break;
      case 'apos': rep = "'"; break;
      default:
        if (ent.charCodeAt(0) === 35 /* # */) {
          const hex = ent.charCodeAt(1) === 120 || ent.charCodeAt(1) === 88;
          const digits = ent.slice(hex ? 2 : 1);
          const cp = digits.length > 0 && digits.length <= 8 ? parseInt(digits, hex ? 16 : 10) : NaN;
          if (Number.isInteger(cp) && cp >= 0 && cp <= 0x10ffff && isDigits(digits, hex)) {
            rep = String.fromCodePoint(cp);
          }
        }
    }
    if (rep !== undefined) {
      out += s.slice(last, amp) + rep;
      last = semi + 1;
    }
    amp = s.indexOf('&', semi + 1);
  }
  return out + s.slice(last);
}

function isDigits(d: string, hex: boolean): boolean {
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i) | (hex ? 32 : 0);
    if (!((c >= 48 && c <= 57) || (hex && c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * Parse one XML document or fragment and return its root elements (usually one). Text outside
 * elements is ignored, which is what makes the Event Viewer copy (`- <System>`) parse: the
 * dashes are character data inside container elements, and containers keep no text we use.
 */
export function parseXmlTree(s: string): XNode[] {
  const roots: XNode[] = [];
  const stack: XNode[] = [];
  const n = s.length;
  let pos = 0;
  while (pos < n) {
    const lt = s.indexOf('<', pos);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > pos && stack.length > 0) {
      const top = stack[stack.length - 1]!;
      // Text after a child element belongs to a container, whose text no reader uses.
      if (top.children === null) top.text += decodeEntities(s.slice(pos, textEnd));
    }
    if (lt < 0) break;
    pos = lt;
    const c1 = s.charCodeAt(pos + 1);
    if (c1 === 33 /* ! */) {
      if (s.startsWith('<!--', pos)) {
        const e = s.indexOf('-->', pos + 4);
        if (e < 0) throw new XmlError('unterminated comment', pos);
        pos = e + 3;
      } else if (s.startsWith('<![CDATA[', pos)) {
        const e = s.indexOf(']]>', pos + 9);
        if (e < 0) throw new XmlError('unterminated CDATA section', pos);
        if (stack.length > 0) stack[stack.length - 1]!.text += s.slice(pos + 9, e);
        pos = e + 3;
      } else {
        const e = s.indexOf('>', pos + 2);
        if (e < 0) throw new XmlError('unterminated declaration', pos);
        if (s.lastIndexOf('[', e) > pos) throw new XmlError('DOCTYPE internal subsets are not supported', pos);
        pos = e + 1;
      }
      continue;
    }
    if (c1 === 63 /* ? */) {
      const e = s.indexOf('?>', pos + 2);
      if (e < 0) throw new XmlError('unterminated processing instruction', pos);
      pos = e + 2;
      continue;
    }
    if (c1 === 47 /* / */) {
      const e = s.indexOf('>', pos + 2);
      if (e < 0) throw new XmlError('unterminated end tag', pos);
      let nameEnd = e;
      while (nameEnd > pos + 2 && isSpace(s.charCodeAt(nameEnd - 1))) nameEnd--;
      const name = localName(s.slice(pos + 2, nameEnd));
      const top = stack.pop();
      if (!top) throw new XmlError(`unexpected end tag </${name.slice(0, 64)}>`, pos);
      if (top.name !== name) {
        throw new XmlError(`end tag </${name.slice(0, 64)}> does not match <${top.name.slice(0, 64)}>`, pos);
      }
      pos = e + 1;
      continue;
    }
    // start tag
    let p = pos + 1;
    while (!isNameEnd(s.charCodeAt(p))) p++;
    if (p === pos + 1) throw new XmlError('invalid character after "<"', pos);
    const node: XNode = { name: localName(s.slice(pos + 1, p)), attrs: null, children: null, text: '' };
    let selfClose = false;
    for (;;) {
      while (isSpace(s.charCodeAt(p))) p++;
      const c = s.charCodeAt(p);
      if (Number.isNaN(c)) throw new XmlError(`unterminated start tag <${node.name.slice(0, 64)}>`, pos);
      if (c === 62 /* > */) { p++; break; }
      if (c === 47 /* / */) {
        if (s.charCodeAt(p + 1) !== 62) throw new XmlError('expected ">" after "/"', p);
        p += 2;
        selfClose = true;
        break;
      }
      const an = p;
      while (!isNameEnd(s.charCodeAt(p))) p++;
      if (p === an) throw new XmlError(`invalid attribute in <${node.name.slice(0, 64)}>`, p);
      const aname = s.slice(an, p);
      while (isSpace(s.charCodeAt(p))) p++;
      if (s.charCodeAt(p) !== 61 /* = */) throw new XmlError(`attribute ${aname.slice(0, 64)} has no value`, p);
      p++;
      while (isSpace(s.charCodeAt(p))) p++;
      const q = s.charCodeAt(p);
      if (q !== 34 && q !== 39) throw new XmlError(`attribute ${aname.slice(0, 64)} value is not quoted`, p);
      const qe = s.indexOf(q === 34 ? '"' : "'", p + 1);
      if (qe < 0) throw new XmlError(`unterminated attribute value of ${aname.slice(0, 64)}`, p);
      // Namespace declarations (xmlns, xmlns:p) are not attributes of the event: never fields.
      if (!(aname.startsWith('xmlns') && (aname.length === 5 || aname.charCodeAt(5) === 58 /* : */))) {
        (node.attrs ??= []).push([localName(aname), decodeEntities(s.slice(p + 1, qe))]);
      }
      p = qe + 1;
    }
    const parent = stack[stack.length - 1];
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
    if (!selfClose) {
      if (stack.length >= MAX_XML_DEPTH) throw new XmlError(`elements nested deeper than ${MAX_XML_DEPTH}`, pos);
      stack.push(node);
    }
    pos = p;
  }
  if (stack.length > 0) {
    throw new XmlError(`unexpected end of input: <${stack[stack.length - 1]!.name.slice(0, 64)}> is not closed`, n);
  }
  return roots;
}

function attr(node: XNode, name: string): string | undefined {
  if (!node.attrs) return undefined;
  for (const [k, v] of node.attrs) if (k === name) return v;
  return undefined;
}

function setField(fields: Record<string, FieldValue>, name: string, text: string): void {
  if (!(name in fields)) fields[name] = typeField(name, text);
}

/** System block element → fields (attribute-carrying elements get their attribute names). */
function readSystem(sys: XNode, fields: Record<string, FieldValue>): void {
  for (const c of sys.children ?? []) {
    switch (c.name) {
      case 'Provider':
        for (const [k, v] of c.attrs ?? []) {
          if (k === 'xmlns') continue;
          setField(fields, `Provider_${k}`, v);
        }
        break;
      case 'TimeCreated': {
        const t = attr(c, 'SystemTime');
        if (t !== undefined) setField(fields, 'TimeCreated', t);
        break;
      }
      case 'EventID': {
        setField(fields, 'EventID', c.text.trim());
        const q = attr(c, 'Qualifiers');
        if (q !== undefined && q !== '') setField(fields, 'Qualifiers', q);
        break;
      }
      case 'Execution':
      case 'Security':
      case 'Correlation':
        // ProcessID, ThreadID, UserID, ActivityID…: attribute names are already unambiguous.
        for (const [k, v] of c.attrs ?? []) setField(fields, k, v);
        break;
      default:
        if (!c.children) setField(fields, c.name, c.text.trim());
        for (const [k, v] of c.attrs ?? []) if (!k.startsWith('xmlns')) setField(fields, `${c.name}_${k}`, v);
    }
  }
}

/**
 * EventData: `<Data Name="X">v</Data>` → X = v. Unnamed `<Data>` elements (classic providers,
 * e.g. Windows PowerShell 400/800) are numbered `Data1`, `Data2`, … by position, and `Data` holds
 * them all joined by a newline (the value itself when there is just one), so a rule on `Data`
 * with `contains` sees every value. `<Binary>` → Binary. A name with spaces (Windows Defender's
 * "New Value") is also given under its space-less and underscore spellings (`spacedNameAliases`).
 */
export function readEventData(ed: XNode, fields: Record<string, FieldValue>): void {
  const unnamed: string[] = [];
  let spaced: Array<[string, string]> | undefined;
  for (const c of ed.children ?? []) {
    if (c.name === 'Data') {
      const name = attr(c, 'Name');
      if (name !== undefined && name !== '') {
        setField(fields, name, c.text);
        if (name.indexOf(' ') >= 0) (spaced ??= []).push([name, c.text]);
      } else unnamed.push(c.text);
    } else if (c.children) {
      flattenLeaves(c, fields, c.name);
    } else {
      setField(fields, c.name, c.text);
    }
  }
  if (unnamed.length === 1) setField(fields, 'Data', unnamed[0]!);
  else if (unnamed.length > 1) {
    unnamed.forEach((v, i) => setField(fields, `Data${i + 1}`, v));
    setField(fields, 'Data', unnamed.join('\n'));
  }
  // "New Value" → also NewValue / New_Value, after every real name so that one always wins.
  if (spaced) for (const [name, text] of spaced) for (const a of spacedNameAliases(name)!) setField(fields, a, text);
}

/**
 * UserData and other blocks: each leaf element → its own name (path with '.' on a clash, or when the
 * name is a System element's: see SYSTEM_ELEMENT_NAMES).
 */
function flattenLeaves(node: XNode, fields: Record<string, FieldValue>, path: string, depth = 0): void {
  for (const c of node.children ?? []) {
    const p = `${path}.${c.name}`;
    if (c.children && depth < MAX_XML_DEPTH) {
      flattenLeaves(c, fields, p, depth + 1);
    } else {
      setField(fields, c.name in fields || SYSTEM_ELEMENT_NAMES.has(c.name) ? p : c.name, c.text);
    }
    for (const [k, v] of c.attrs ?? []) {
      if (k.startsWith('xmlns')) continue; // the EVTX reader passes raw attribute names
      setField(fields, `${c.name}_${k}`, v);
    }
  }
}

/** Canonical fields of an `<Event>` element tree. */
export function eventFieldsFromTree(ev: XNode): Record<string, FieldValue> {
  const fields = newFields();
  for (const c of ev.children ?? []) {
    switch (c.name) {
      case 'System': readSystem(c, fields); break;
      case 'EventData': readEventData(c, fields); break;
      case 'RenderingInfo':
        for (const r of c.children ?? []) if (r.name === 'Message') setField(fields, 'Message', r.text);
        break;
      default: flattenLeaves(c, fields, c.name);
    }
  }
  return fields;
}

/** Find the first element named `name` (depth-first), bounded by the tree's own depth limit. */
export function findElement(nodes: readonly XNode[], name: string): XNode | undefined {
  for (const n of nodes) {
    if (n.name === name) return n;
    if (n.children) {
      const f = findElement(n.children, name);
      if (f) return f;
    }
  }
  return undefined;
}

/**
 * Parse the text of one `<Event>` (any of the XML shapes, `- ` prefixes included) into canonical
 * fields. Throws XmlError on malformed XML or when no Event element is present.
 */
export function parseEventXml(text: string): Record<string, FieldValue> {
  const roots = parseXmlTree(text);
  const ev = findElement(roots, 'Event');
  if (!ev) throw new XmlError('no <Event> element', 0);
  return eventFieldsFromTree(ev);
}
