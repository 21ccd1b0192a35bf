/** The Sigma front end: YAML files → validated IR rules and located findings. */
export type { Finding, LoadOptions, LoadResult, Profile, Severity } from './api.js';
export { loadRulePaths, loadRuleText, loadRuleTexts } from './load.js';
export { findRuleFiles, readRuleFile } from './files.js';
export { parseSigmaString, toSigmaString, patternText, hasWildcards } from './strings.js';
export { parseCidr, parseIPv4, parseIPv6 } from './cidr.js';
export { parseTimespan } from './timespan.js';
export { parseCondition } from './condition.js';
export { loadYaml } from './yaml.js';
