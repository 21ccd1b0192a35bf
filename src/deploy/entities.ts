/**
 * What an entity name in `deploy.entities` means in each SIEM. The Sysmon field is the column
 * the compiled query returns (our KQL and SPL keep Sysmon names; Elastic uses ECS).
 */
export interface EntityDef {
  readonly sysmonField: string;
  readonly sentinel: { readonly entityType: string; readonly identifier: string };
  readonly ecsField: string;
}

export const ENTITIES: Readonly<Record<string, EntityDef>> = {
  host: { sysmonField: 'Computer', sentinel: { entityType: 'Host', identifier: 'FullName' }, ecsField: 'host.name' },
  account: { sysmonField: 'User', sentinel: { entityType: 'Account', identifier: 'FullName' }, ecsField: 'user.name' },
  ip: { sysmonField: 'DestinationIp', sentinel: { entityType: 'IP', identifier: 'Address' }, ecsField: 'destination.ip' },
  source_ip: { sysmonField: 'SourceIp', sentinel: { entityType: 'IP', identifier: 'Address' }, ecsField: 'source.ip' },
  process: { sysmonField: 'ProcessId', sentinel: { entityType: 'Process', identifier: 'ProcessId' }, ecsField: 'process.pid' },
  file: { sysmonField: 'Image', sentinel: { entityType: 'File', identifier: 'Name' }, ecsField: 'process.executable' },
  dns: { sysmonField: 'DestinationHostname', sentinel: { entityType: 'DNS', identifier: 'DomainName' }, ecsField: 'destination.domain' },
};
