export { deriveFilter, passesFilter, termHolds, SYSMON_NETWORK_FIELDS } from './derive.js';
export type { DeriveOptions, SysmonClause, SysmonCondition, SysmonFilter, SysmonTerm } from './derive.js';
export { renderSysmonConfig } from './xml.js';
