/**
 * KQL validator: Microsoft's Kusto.Language parser and semantic analyser
 * (@kusto/language-service-next), loaded once per process (about 1 s cold, then milliseconds per
 * query). The tables are declared with the column types the real sources have, independent of
 * our pipelines: the Sentinel `Sysmon` parser's EventData columns are `dynamic` (pivot over
 * parse_xml), ASIM `_Im_NetworkSession` has typed columns. A query that compares a dynamic with a
 * typed literal or groups by a dynamic column is therefore reported here, as in Sentinel.
 */
import { createRequire } from 'node:module';
import type { Pipeline } from '../pipeline.js';

export interface KqlDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly start: number;
  readonly length: number;
}

/** The few Kusto.Language members used here (the package's own typings are Bridge.NET's). */
interface KList<T> {
  readonly Count: number;
  getItem(i: number): T;
}
interface KDiag {
  readonly Code: string | null;
  readonly Severity: string | null;
  readonly Message: string | null;
  readonly Start: number;
  readonly Length: number;
}
interface KCode {
  GetDiagnostics(): KList<KDiag>;
  readonly Syntax: unknown;
}
interface KGlobals {
  WithDatabase(db: unknown): KGlobals;
}
interface KustoLanguage {
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: string | null) => unknown };
    DatabaseSymbol: { $ctor2: new (name: string, alt: string | null, members: unknown[]) => unknown };
    FunctionSymbol: { $ctor16: new (name: string, parameterList: string, body: string, description: string | null) => unknown };
  };
  GlobalState: { Default: KGlobals };
  KustoCode: { ParseAndAnalyze(text: string, globals: KGlobals): KCode };
}

/** Columns of the Sentinel `Sysmon` parser output for Event 3 (EventData pivoted: dynamic). */
export const SYSMON_PARSER_SCHEMA =
  '(TimeGenerated:datetime, Computer:string, EventID:int, Source:string, EventLevelName:string, UserName:string, ' +
  [
    'RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'User', 'Protocol', 'Initiated', 'SourceIsIpv6', 'SourceIp',
    'SourceHostname', 'SourcePort', 'SourcePortName', 'DestinationIsIpv6', 'DestinationIp', 'DestinationHostname',
    'DestinationPort', 'DestinationPortName',
  ]
    .map((c) => `${c}:dynamic`)
    .join(', ') +
  ')';

/** ASIM NetworkSession columns we may emit, with ASIM's declared types. */
export const ASIM_NETWORK_SESSION_SCHEMA =
  '(TimeGenerated:datetime, EventProduct:string, EventVendor:string, DvcHostname:string, NetworkDirection:string, ' +
  'NetworkProtocol:string, SrcIpAddr:string, SrcPortNumber:int, SrcHostname:string, DstIpAddr:string, DstPortNumber:int, ' +
  'DstHostname:string, DstAppName:string, SrcProcessName:string, DstProcessName:string, SrcUsername:string, DstUsername:string, ' +
  'SrcProcessId:string, DstProcessId:string, SrcProcessGuid:string, DstProcessGuid:string)';

let kusto: KustoLanguage | undefined;
function load(): KustoLanguage {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    // Order matters: the Bridge.NET runtime first, then the language library (both set globals).
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next');
    kusto = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  }
  return kusto;
}

const TYPE_NAMES: Readonly<Record<string, string>> = { string: 'string', int: 'int', ip: 'string', bool: 'bool', dynamic: 'dynamic', time: 'datetime' };

/** A table schema from a pipeline (for user pipelines naming their own tables). */
export function schemaFromPipeline(p: Pipeline): string {
  const cols = new Map<string, string>();
  cols.set(p.timeField, 'datetime');
  for (const [name, t] of Object.entries(p.types)) cols.set(name, TYPE_NAMES[t] ?? 'string');
  for (const m of Object.values(p.fields)) if ('to' in m) for (const n of m.to) if (!cols.has(n)) cols.set(n, 'string');
  for (const c of p.source.where) if (!cols.has(c.field)) cols.set(c.field, typeof c.equals === 'number' ? 'int' : 'string');
  return `(${[...cols].map(([n, t]) => `['${n}']:${t}`).join(', ')})`;
}

const globalsCache = new Map<string, KGlobals>();
function globalsFor(extra?: { table: string; schema: string }, listColumns: readonly string[] = []): KGlobals {
  const key = (extra ? `${extra.table}${extra.schema}` : '') + '|' + listColumns.join(',');
  let g = globalsCache.get(key);
  if (!g) {
    const K = load();
    const tables = new Map<string, string>([
      ['Sysmon', SYSMON_PARSER_SCHEMA],
      ['_Im_NetworkSession', ASIM_NETWORK_SESSION_SCHEMA],
    ]);
    if (extra && !tables.has(extra.table)) tables.set(extra.table, extra.schema);
    const members: unknown[] = [...tables].map(([n, s]) => new K.Symbols.TableSymbol.$ctor7(n, s, null));
    // Sentinel's watchlist accessor: SearchKey plus the columns our pipelines name.
    const cols = [...new Set(['SearchKey', ...listColumns])].map((c) => `['${c}']:string`).join(', ');
    members.push(new K.Symbols.FunctionSymbol.$ctor16('_GetWatchlist', '(watchlistAlias:string)', `{ datatable(${cols})[] }`, null));
    const db = new K.Symbols.DatabaseSymbol.$ctor2('SecurityInsights', null, members);
    g = K.GlobalState.Default.WithDatabase(db);
    globalsCache.set(key, g);
  }
  return g;
}

/** Parses and analyses a query; returns every diagnostic (empty = valid for that schema). */
function globalsForPipeline(pipeline?: Pipeline): KGlobals {
  const table = pipeline?.source.table;
  const listCols = pipeline ? Object.values(pipeline.lists).map((l) => l.column) : [];
  return globalsFor(table && pipeline ? { table, schema: schemaFromPipeline(pipeline) } : undefined, listCols);
}

export function kqlDiagnostics(query: string, pipeline?: Pipeline): KqlDiagnostic[] {
  return kqlAnalyze(query, pipeline).diagnostics;
}

/** One parse + analysis: the diagnostics and the analysed tree (parsing is the costly part). */
export function kqlAnalyze(query: string, pipeline?: Pipeline): { diagnostics: KqlDiagnostic[]; syntax: unknown } {
  const K = load();
  const code = K.KustoCode.ParseAndAnalyze(query, globalsForPipeline(pipeline));
  const list = code.GetDiagnostics();
  const out: KqlDiagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    out.push({ code: d.Code ?? '', severity: d.Severity ?? '', message: d.Message ?? '', start: d.Start, length: d.Length });
  }
  return { diagnostics: out, syntax: code.Syntax };
}

/** The analysed syntax tree (for the test-only interpreter). */
export function kqlParse(query: string, pipeline?: Pipeline): unknown {
  return load().KustoCode.ParseAndAnalyze(query, globalsForPipeline(pipeline)).Syntax;
}
