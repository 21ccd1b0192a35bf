/**
 * Fields each logsource carries, for the "field never carried" check. Only logsources we know
 * exactly are listed; rules of other logsources are not field-checked.
 */

/** System fields every Windows event has (as our log readers name them). */
export const SYSTEM_FIELDS = [
  'EventID', 'Channel', 'Computer', 'Provider_Name', 'EventRecordID', 'TimeCreated', 'Level', 'Task',
  'Version', 'Keywords', 'Opcode', 'ProcessID', 'ThreadID', 'UserID', 'Hostname',
] as const;

/** Sysmon Event ID 3 (network connection), schema 4.x. */
export const SYSMON3_FIELDS = [
  'RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'User', 'Protocol', 'Initiated',
  'SourceIsIpv6', 'SourceIp', 'SourceHostname', 'SourcePort', 'SourcePortName', 'DestinationIsIpv6',
  'DestinationIp', 'DestinationHostname', 'DestinationPort', 'DestinationPortName',
] as const;

/** Fields of other Sysmon events: on network_connection they are a warning, not a typo. */
export const OTHER_SYSMON_FIELDS = [
  'CommandLine', 'ParentImage', 'ParentCommandLine', 'ParentProcessGuid', 'ParentProcessId', 'ParentUser',
  'OriginalFileName', 'Description', 'Product', 'Company', 'FileVersion', 'CurrentDirectory', 'LogonGuid',
  'LogonId', 'TerminalSessionId', 'IntegrityLevel', 'Hashes', 'TargetFilename', 'TargetObject', 'Details',
  'EventType', 'ImageLoaded', 'Signed', 'Signature', 'SignatureStatus', 'QueryName', 'QueryStatus',
  'QueryResults', 'SourceImage', 'TargetImage', 'GrantedAccess', 'CallTrace', 'PipeName', 'StartAddress',
  'StartModule', 'StartFunction', 'Device', 'Contents', 'Archived', 'IsExecutable', 'Operation',
  'Destination', 'Consumer', 'Filter', 'Query', 'Type', 'Name', 'State', 'Configuration', 'ConfigurationFileHash',
  'SourceProcessGuid', 'SourceProcessId', 'SourceThreadId', 'SourceUser', 'TargetProcessGuid', 'TargetProcessId',
  'TargetUser', 'NewThreadId', 'CreationUtcTime', 'PreviousCreationUtcTime', 'Session', 'ClientInfo', 'Hash',
] as const;

export interface FieldCatalog {
  readonly known: ReadonlySet<string>;
  readonly elsewhere: ReadonlySet<string>;
}

const NETWORK_CONNECTION: FieldCatalog = {
  known: new Set<string>([...SYSMON3_FIELDS, ...SYSTEM_FIELDS]),
  elsewhere: new Set<string>(OTHER_SYSMON_FIELDS),
};

export function fieldCatalogFor(logsource: { product?: string; category?: string; service?: string }): FieldCatalog | undefined {
  if (logsource.product === 'windows' && logsource.category === 'network_connection') return NETWORK_CONNECTION;
  return undefined;
}
