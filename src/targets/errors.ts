/**
 * Named compile failures. Compilers throw `TargetError` internally (deep in a tree walk that is
 * the simplest way out); `compileRule` turns it into a `CompileError` value, so nothing outside
 * src/targets ever sees a thrown error for a rule that cannot be compiled.
 */
export type TargetErrorCode =
  /** The target language cannot express the construct exactly. */
  | 'UnsupportedFeature'
  /** The pipeline has no mapping for a Sysmon field (the schema does not carry it). */
  | 'UnmappedField'
  /** The pipeline maps the field through a value table that lacks this value. */
  | 'UnmappedValue'
  /** A regular expression outside the portable subset, or one we cannot translate. */
  | 'UnsupportedRegex'
  /** A literal whose type cannot be compared with the field (e.g. text against an ip field). */
  | 'TypeMismatch'
  /** A correlation references a rule that was not loaded. */
  | 'UnknownRule'
  /** The pipeline does not belong to this target's language. */
  | 'PipelineMismatch'
  /** The generated query failed its validator (a bug in a compiler: reported, never hidden). */
  | 'ValidationFailed';

export class TargetError extends Error {
  override readonly name = 'TargetError';
  constructor(
    readonly code: TargetErrorCode,
    message: string,
    readonly construct?: string,
  ) {
    super(message);
  }
}

export function unsupported(construct: string, why: string): TargetError {
  return new TargetError('UnsupportedFeature', `cannot express ${construct}: ${why}`, construct);
}
