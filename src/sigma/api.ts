/**
 * The contract of src/sigma (the front end): files → validated IR rules + findings.
 * Implemented in src/sigma/load.ts; re-exported from src/sigma/index.ts.
 */
import type { Rule } from '../ir/types.js';

export type Severity = 'error' | 'warning';

/** One problem found in a rule file. Errors are values with locations, never thrown strings. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  /** Stable code, e.g. `SIGMA_UNKNOWN_MODIFIER`; see docs/error-codes.md. */
  readonly code: string;
  readonly message: string;
  readonly ruleId?: string;
  /** How to fix it, when we know. */
  readonly hint?: string;
}

export type Profile = 'sigma' | 'repo';

export interface LoadOptions {
  /** `repo` (default for our rules/) is stricter than `sigma` (any public Sigma rule). */
  readonly profile: Profile;
  /** Path to the ATT&CK catalogue JSON (see ../shared/data/README.md); env DAC_ATTACK_CATALOG. */
  readonly attackCatalog?: string;
  /** Folder of value lists (`lists/<name>.yml`) for `|expand` placeholders. */
  readonly listsDir?: string;
  /** Extra placeholder values (name → values), overriding lists. */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

export interface LoadResult {
  /** Rules that loaded without errors (warnings allowed), in file order. */
  readonly rules: readonly Rule[];
  readonly findings: readonly Finding[];
  /** Files read and YAML documents seen. */
  readonly files: number;
  readonly documents: number;
}
