import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { alertsByTitle, HAVE_REAL_LOGS, loadRepoRules, readEvents, REAL_LOGS } from './helpers.js';

if (!HAVE_REAL_LOGS) console.warn(`real-logs: ${REAL_LOGS} is absent; the OTRF expectations are SKIPPED`);

/** What each OTRF dataset must raise (docs/rules.md explains why). */
const EXPECTED: Record<string, Record<string, number>> = {
  cmd_wevtutil_modify_security_eventlog_path: {},
  cmd_bitsadmin_download_psh_script: {},
  covenant_psremoting_grunt: { 'Outbound PowerShell Remoting From a User Session': 3 },
  psh_mshta_html_application_execution: { 'PowerShell Connection to a Public Address': 1 },
};

describe.skipIf(!HAVE_REAL_LOGS)('rules on OTRF Security-Datasets (../shared/real-logs)', async () => {
  const rules = await loadRepoRules();
  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: ${Object.keys(want).length === 0 ? 'no alerts' : JSON.stringify(want)}`, async () => {
      const events = await readEvents([join(REAL_LOGS, `${name}.sysmon3.jsonl`)]);
      expect(events.length).toBeGreaterThan(0);
      expect(Object.fromEntries(alertsByTitle(rules, events))).toEqual(want);
    });
  }
});
