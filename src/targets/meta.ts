/** Static facts about each target: language, file extension, what it is. */
import type { QueryLanguage, TargetId } from './api.js';

export interface TargetInfo {
  readonly id: TargetId;
  readonly language: QueryLanguage;
  readonly extension: string;
  readonly description: string;
  /** Default pipeline file under pipelines/. */
  readonly pipeline: string;
  /** Correlation types it can express (others fail with UnsupportedFeature). */
  readonly correlations: boolean;
}

export const TARGETS: Readonly<Record<TargetId, TargetInfo>> = {
  sentinel: { id: 'sentinel', language: 'kql', extension: 'kql', description: 'Microsoft Sentinel, KQL over the Sysmon parser function', pipeline: 'sysmon-sentinel.yml', correlations: true },
  'sentinel-asim': { id: 'sentinel-asim', language: 'kql', extension: 'kql', description: 'Microsoft Sentinel, KQL over ASIM _Im_NetworkSession', pipeline: 'asim-networksession.yml', correlations: true },
  splunk: { id: 'splunk', language: 'spl', extension: 'spl', description: 'Splunk SPL over raw Sysmon events (sysmon macro)', pipeline: 'splunk-sysmon.yml', correlations: true },
  'splunk-cim': { id: 'splunk-cim', language: 'spl', extension: 'spl', description: 'Splunk SPL over the CIM Network_Traffic data model', pipeline: 'splunk-cim.yml', correlations: true },
  'elastic-eql': { id: 'elastic-eql', language: 'eql', extension: 'eql', description: 'Elastic EQL over ECS (single events, temporal_ordered as sequences)', pipeline: 'ecs.yml', correlations: false },
  'elastic-esql': { id: 'elastic-esql', language: 'esql', extension: 'esql', description: 'Elastic ES|QL over ECS', pipeline: 'ecs.yml', correlations: true },
  'elastic-dsl': { id: 'elastic-dsl', language: 'dsl', extension: 'json', description: 'Elasticsearch Query DSL over ECS (single events only)', pipeline: 'ecs.yml', correlations: false },
};
