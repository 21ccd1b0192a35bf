import type { Command } from '../io.js';

/**
 * Every `dac` command, in the order `dac --help` lists them. Modules load only when their
 * command runs, so `dac validate` does not pay for the compilers' or deploy clients' imports.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'validate', summary: 'check rule files: schema, meaning, ATT&CK tags, references', load: async () => (await import('./validate.js')).validateCommand },
  { name: 'compile', summary: 'compile rules to KQL, SPL, EQL, ES|QL and Query DSL', load: async () => (await import('./compile.js')).compileCommand },
  { name: 'test', summary: "replay each rule's fixtures and the benign baseline (npm run test-rules)", load: async () => (await import('./test.js')).testCommand },
  { name: 'hunt', summary: 'run rules over logs (EVTX, XML, JSON shapes, gzip) and print alerts', load: async () => (await import('./hunt.js')).huntCommand },
  { name: 'package', summary: 'build Sentinel ARM template, Splunk app (.tgz) and Elastic NDJSON', load: async () => (await import('./package.js')).packageCommand },
  { name: 'deploy', summary: 'plan or apply the rules to Sentinel, Splunk or Elastic (idempotent)', load: async () => (await import('./deploy.js')).deployCommand },
  { name: 'diff', summary: 'rules and compiled queries changed since a git ref (markdown or json)', load: async () => (await import('./diff.js')).diffCommand },
  { name: 'sysmon-config', summary: 'write a Sysmon config that collects only what the network rules need', load: async () => (await import('./sysmon-config.js')).sysmonConfigCommand },
  { name: 'bench', summary: 'benchmark readers, engine and beacon correlation (npm run bench)', load: async () => (await import('./bench.js')).benchCommand },
];
