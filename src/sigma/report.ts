/** Collects findings for one file, turning source-map positions into `file:line:column`. */
import type { Finding, Severity } from './api.js';
import type { Pos } from './yaml.js';

export class Reporter {
  readonly findings: Finding[] = [];
  /** Rule id (or title) of the document being checked, attached to its findings. */
  ruleId: string | undefined;

  constructor(readonly file: string) {}

  add(severity: Severity, code: string, message: string, pos: Pos | undefined, hint?: string): void {
    this.findings.push({
      file: this.file,
      line: pos?.line ?? 1,
      column: pos?.column ?? 1,
      severity,
      code,
      message,
      ...(this.ruleId !== undefined ? { ruleId: this.ruleId } : {}),
      ...(hint !== undefined ? { hint } : {}),
    });
  }
  error(code: string, message: string, pos: Pos | undefined, hint?: string): void {
    this.add('error', code, message, pos, hint);
  }
  warning(code: string, message: string, pos: Pos | undefined, hint?: string): void {
    this.add('warning', code, message, pos, hint);
  }
  errorCount(): number {
    return this.findings.filter((f) => f.severity === 'error').length;
  }
}
