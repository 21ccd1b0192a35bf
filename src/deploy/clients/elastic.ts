/**
 * Elastic: Kibana's detection engine API (rules are Kibana saved objects, not Elasticsearch
 * documents). GET/POST/PUT/DELETE /api/detection_engine/rules by rule_id, `_find` filtered on our
 * tag, `kbn-xsrf` on every call, an optional space.
 */
import { ELASTIC_MARKER_TAG, elasticRule, type ElasticOptions } from '../artifacts.js';
import { bodySnippet, HttpClient } from '../http.js';
import type { DeployUnit } from '../units.js';
import { RuleFailure, statusMeaning, type DesiredRule, type RemoteRule, type SiemClient } from './types.js';

export interface ElasticConfig {
  /** Kibana URL, e.g. https://kibana.example.com:5601 */
  readonly url: string;
  readonly apiKey: string;
  /** Kibana space id; default space when empty. */
  readonly space?: string;
  readonly options?: ElasticOptions;
}

/** Kibana bumps `version` itself on update; every other field of ours is compared. */
const NOT_COMPARED = new Set(['version']);

export class ElasticClient implements SiemClient {
  readonly target = 'elastic' as const;

  constructor(private readonly cfg: ElasticConfig, private readonly http: HttpClient) {
    http.redactor.add(cfg.apiKey);
  }

  private get base(): string {
    const space = this.cfg.space && this.cfg.space !== 'default' ? `/s/${encodeURIComponent(this.cfg.space)}` : '';
    return `${this.cfg.url.replace(/\/+$/, '')}${space}/api/detection_engine/rules`;
  }

  private call(method: string, url: string, body?: unknown): Promise<{ status: number; text: string }> {
    return this.http.request(method, url, {
      headers: {
        authorization: `ApiKey ${this.cfg.apiKey}`,
        'kbn-xsrf': 'dac',
        'content-type': 'application/json',
        'elastic-api-version': '2023-10-31',
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  desired(unit: DeployUnit): DesiredRule {
    const rule = elasticRule(unit, this.cfg.options);
    const payload: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rule)) if (!NOT_COMPARED.has(k)) payload[k] = v;
    // Optional fields we may have dropped must still count as a change when Kibana holds them.
    const compare = { alert_suppression: undefined, index: undefined, ...payload };
    return { key: unit.key, id: rule.rule_id, title: String(rule['name']), compare, payload };
  }

  async listOurs(): Promise<RemoteRule[]> {
    const out: RemoteRule[] = [];
    const perPage = 100;
    const filter = encodeURIComponent(`alert.attributes.tags:"${ELASTIC_MARKER_TAG}"`);
    for (let page = 1; page < 10_000; page++) {
      const res = await this.call('GET', `${this.base}/_find?per_page=${perPage}&page=${page}&filter=${filter}`);
      if (res.status !== 200) throw new RuleFailure(`finding rules ${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
      const body = JSON.parse(res.text) as { data?: Array<Record<string, unknown>>; total?: number };
      const data = body.data ?? [];
      for (const r of data) {
        const tags = Array.isArray(r['tags']) ? r['tags'] : [];
        if (!tags.includes(ELASTIC_MARKER_TAG) || typeof r['rule_id'] !== 'string') continue;
        out.push({ key: r['rule_id'], id: r['rule_id'], title: String(r['name'] ?? r['rule_id']), props: r });
      }
      if (data.length < perPage || page * perPage >= (body.total ?? 0)) break;
    }
    return out;
  }

  async create(d: DesiredRule): Promise<void> {
    const res = await this.call('POST', this.base, d.payload);
    if (res.status === 409) {
      // rule_id exists (a retried create that had landed, or a rule made elsewhere): replace it.
      await this.put(d);
      return;
    }
    if (res.status !== 200) throw new RuleFailure(`${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
  }

  private async put(d: DesiredRule): Promise<void> {
    const res = await this.call('PUT', this.base, d.payload);
    if (res.status !== 200) throw new RuleFailure(`${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
  }

  update(d: DesiredRule): Promise<void> {
    return this.put(d);
  }

  async remove(current: RemoteRule): Promise<void> {
    const res = await this.call('DELETE', `${this.base}?rule_id=${encodeURIComponent(current.id)}`);
    if (res.status !== 200 && res.status !== 404) throw new RuleFailure(`${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
  }
}
