/**
 * The logsource table lives in src/ir/logsource.ts (the targets read it too); the engine adds the
 * channel test it needs on every event.
 */
import { SYSMON_CHANNEL, WINDOWS_SERVICES } from '../ir/logsource.js';
import { fold } from './fold.js';

export * from '../ir/logsource.js';

/** Every channel some logsource maps to, case-folded. */
const MAPPED_CHANNELS: ReadonlySet<string> = new Set([SYSMON_CHANNEL, ...Object.values(WINDOWS_SERVICES).flat()].map(fold));

/**
 * Does some logsource map to this channel? Takes the channel already case-folded (`fold`). An
 * event from a channel that none maps is judged on its EventID alone (see the module comment).
 */
export function isMappedChannel(foldedChannel: string): boolean {
  return MAPPED_CHANNELS.has(foldedChannel);
}

