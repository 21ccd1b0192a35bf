/**
 * Which rules a pipeline can serve. Every pipeline in pipelines/ selects Sysmon Event 3 (the
 * `source.where` of each: EventID 3 / EventCode=3 / event.code "3" / the Network_Traffic data
 * model fed by Sysmon 3), so a rule compiles only when its logsource names exactly those events,
 * as the engine resolves it (src/ir/logsource.ts). Anything else — `category: dns_query`
 * (Sysmon 22), `category: process_creation`, a Linux product, `service: sysmon` (every Sysmon
 * event), a logsource the engine cannot map — would silently turn into a query over Event 3 that
 * matches events the rule never meant: refused with PipelineMismatch.
 */
import { resolveLogsource, SYSMON_CHANNEL } from '../ir/logsource.js';
import type { DetectionRule } from '../ir/types.js';
import { TargetError } from './errors.js';
import type { Pipeline } from './pipeline.js';

function describe(ls: DetectionRule['logsource']): string {
  return (['product', 'category', 'service'] as const)
    .filter((k) => ls[k] !== undefined)
    .map((k) => `${k}: ${ls[k]}`)
    .join(', ') || 'none';
}

/** Throws PipelineMismatch unless the rule's logsource selects Sysmon Event 3 exactly. */
export function checkLogsource(rule: DetectionRule, p: Pipeline): void {
  const r = resolveLogsource(rule.logsource);
  const what = `logsource (${describe(rule.logsource)})`;
  const covers = `pipeline '${p.name}' covers Sysmon Event 3 (network_connection) only`;
  if (!r.known) throw new TargetError('PipelineMismatch', `${what} cannot be mapped to events (${r.reason}); ${covers}`, 'logsource');
  const ids = r.selector.eventIds;
  const channels = r.selector.channels;
  const sysmon = channels === undefined || channels.some((c) => c.toLowerCase() === SYSMON_CHANNEL.toLowerCase());
  if (!ids || !sysmon || ids.length === 0 || ids.some((id) => id !== 3)) {
    const sel = ids ? `EventID ${ids.join(', ')}` : 'every event';
    throw new TargetError('PipelineMismatch', `${what} selects ${sel}${channels ? ` of ${channels.join(', ')}` : ''}; ${covers}`, 'logsource');
  }
}
