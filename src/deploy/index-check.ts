/**
 * Optional check that the index patterns of our EQL rules match something in Elasticsearch.
 * This talks to Elasticsearch itself, so it uses @elastic/elasticsearch (rules go through Kibana).
 */
import { Client } from '@elastic/elasticsearch';

export interface IndexCheck {
  readonly pattern: string;
  readonly matches: number;
  readonly error?: string;
}

export async function checkIndexPatterns(node: string, apiKey: string, patterns: readonly string[], timeoutMs = 10_000): Promise<IndexCheck[]> {
  const client = new Client({ node, auth: { apiKey }, requestTimeout: timeoutMs, maxRetries: 2 });
  const out: IndexCheck[] = [];
  try {
    for (const pattern of patterns) {
      try {
        const r = await client.indices.resolveIndex({ name: pattern, expand_wildcards: 'open' });
        out.push({ pattern, matches: r.indices.length + r.aliases.length + r.data_streams.length });
      } catch (err) {
        out.push({ pattern, matches: 0, error: err instanceof Error ? err.name : 'error' });
      }
    }
  } finally {
    await client.close();
  }
  return out;
}
