/** The test-only interpreter of one target's compiled query, as a predicate over event rows. */
import { defaultPipeline, type TargetId } from '../../../src/targets/index.js';
import type { Row } from './common.js';
import { dslPredicate } from './dsl-eval.js';
import { eqlPredicate, esqlPredicate } from './expr-eval.js';
import { kqlPredicate } from './kql-eval.js';
import { splPredicate } from './spl-eval.js';

export function predicate(target: TargetId, query: string): (row: Row) => boolean {
  const types = defaultPipeline(target).types;
  switch (target) {
    case 'sentinel':
    case 'sentinel-asim':
      return kqlPredicate(query);
    case 'elastic-esql':
      return esqlPredicate(query, types);
    case 'splunk':
    case 'splunk-cim':
      return splPredicate(query, types);
    case 'elastic-eql':
      return eqlPredicate(query, types);
    case 'elastic-dsl':
      return dslPredicate(JSON.parse(query) as Record<string, unknown>, types);
  }
}
