/**
 * Validation of compiled queries, per language, with the most real checker available:
 *   kql  → Kusto.Language parser + semantic analyser (zero diagnostics required) + literal types
 *   esql → command/function names and arities from @elastic/esql-definitions + literal types
 *   dsl  → JSON shape of the query kinds we emit + literal types (estypes at compile time)
 *   eql, spl → structural checks only (balanced, known commands/functions) + literal types
 */
import type { QueryLanguage } from '../api.js';
import type { Pipeline } from '../pipeline.js';
import { checkDsl } from './dsl.js';
import { kqlAnalyze } from './kql.js';
import { kqlLiteralProblemsIn } from './kql-literals.js';
import { checkEql, checkEsql, checkSpl } from './structural.js';

export interface ValidationResult {
  readonly ok: boolean;
  readonly problems: readonly string[];
  /** What kind of check ran: 'parser' (a real parser/analyser), 'definitions', 'structural'. */
  readonly depth: 'parser' | 'definitions' | 'structural';
}

export function validateQuery(language: QueryLanguage, query: string, pipeline?: Pipeline): ValidationResult {
  let problems: string[];
  let depth: ValidationResult['depth'];
  switch (language) {
    case 'kql':
      {
        const a = kqlAnalyze(query, pipeline);
        problems = [...a.diagnostics.map((d) => `${d.code} ${d.severity} at ${d.start}: ${d.message}`), ...kqlLiteralProblemsIn(a.syntax)];
      }
      depth = 'parser';
      break;
    case 'esql':
      problems = checkEsql(query, pipeline);
      depth = 'definitions';
      break;
    case 'dsl':
      problems = checkDsl(query, pipeline);
      depth = 'definitions';
      break;
    case 'eql':
      problems = checkEql(query, pipeline);
      depth = 'structural';
      break;
    case 'spl':
      problems = checkSpl(query, pipeline);
      depth = 'structural';
      break;
  }
  return { ok: problems.length === 0, problems, depth };
}

export { kqlDiagnostics } from './kql.js';
