/** Renders rule-test results: a fixed-width table for people, JUnit XML for CI. */
import type { FixtureResult, RuleTestReport } from './run.js';

export function summarize(results: readonly FixtureResult[]): { passed: number; failed: number } {
  const failed = results.filter((r) => !r.pass).length;
  return { passed: results.length - failed, failed };
}

const clip = (s: string, n: number): string => (s.length <= n ? s : s.slice(0, n - 1) + '…');

export function formatTable(report: RuleTestReport): string {
  const rows = report.results.map((r) => [clip(r.title, 60), clip(r.fixture, 70), String(r.expected), String(r.actual), r.pass ? 'PASS' : 'FAIL']);
  const head = ['rule', 'fixture', 'expected', 'actual', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (let i = 0; i < rows.length; i++) {
    out.push(line(rows[i]!));
    const err = report.results[i]!.error;
    if (err) out.push(`    ${err}`);
  }
  return out.join('\n');
}

const xml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    // characters XML 1.0 cannot carry at all
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');

/** JUnit XML: one testsuite per rule, one testcase per fixture (and the baseline). */
export function formatJUnit(report: RuleTestReport, elapsedMs: number): string {
  const byRule = new Map<string, FixtureResult[]>();
  for (const r of report.results) byRule.set(r.ruleKey, [...(byRule.get(r.ruleKey) ?? []), r]);
  const { failed } = summarize(report.results);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="dac test" tests="${report.results.length}" failures="${failed}" time="${(elapsedMs / 1000).toFixed(3)}">`,
  ];
  for (const [key, rs] of byRule) {
    const f = rs.filter((r) => !r.pass).length;
    out.push(`  <testsuite name="${xml(rs[0]!.title)}" id="${xml(key)}" file="${xml(rs[0]!.ruleFile)}" tests="${rs.length}" failures="${f}">`);
    for (const r of rs) {
      const name = `${r.fixture} (expect ${r.expected})`;
      if (r.pass) out.push(`    <testcase classname="${xml(key)}" name="${xml(name)}"/>`);
      else {
        const msg = r.error ?? `expected ${r.expected} match(es), got ${r.actual}`;
        out.push(`    <testcase classname="${xml(key)}" name="${xml(name)}">`);
        out.push(`      <failure message="${xml(msg)}">${xml(`${r.ruleFile}: ${r.fixture}: ${msg}`)}</failure>`);
        out.push('    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
