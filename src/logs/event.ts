/**
 * The canonical event: what every log reader produces and what the engine evaluates.
 *
 * Field names are Sysmon's / Windows' own: EventData `<Data Name="X">` becomes `X`, and the
 * System block becomes `EventID`, `Channel`, `Computer`, `Provider_Name`, `EventRecordID`,
 * `TimeCreated`, `Level`, `Task`, `Version`, `Keywords`, `ProcessID` (Execution), `ThreadID`,
 * `UserID` (Security). Values are typed where Sysmon's manifest types them (see `typeField`):
 * ports, pids, EventID are numbers, `Initiated`/`*IsIpv6` booleans, the rest strings. Empty
 * `<Data/>` is ''. Fields object has a null prototype: `__proto__` in a log is just a field.
 */
export type FieldValue = string | number | boolean | null;

export interface EventSource {
  /** File the event came from (as given on the command line). */
  readonly file: string;
  /** 1-based line for line-oriented formats (NDJSON, XML). */
  readonly line?: number;
  /** 1-based record number for record formats (EVTX, JSON arrays). */
  readonly record?: number;
}

export interface CanonicalEvent {
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Event time in ms since the Unix epoch (UtcTime, else System/TimeCreated), if known. */
  readonly time?: number;
  readonly source: EventSource;
}
