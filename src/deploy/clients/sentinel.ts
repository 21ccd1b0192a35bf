/**
 * Microsoft Sentinel: Entra ID client-credentials token, then the ARM REST API for scheduled
 * alert rules (PUT/GET/DELETE …/providers/Microsoft.SecurityInsights/alertRules/{id}), with the
 * rule's etag sent on update so a concurrent edit in the portal is not overwritten blindly.
 */
import { sentinelRule, markerKey } from '../artifacts.js';
import { bodySnippet, HttpClient } from '../http.js';
import type { DeployUnit } from '../units.js';
import { RuleFailure, statusMeaning, type DesiredRule, type RemoteRule, type SiemClient } from './types.js';

export const SENTINEL_API_VERSION = '2024-09-01';

export interface SentinelConfig {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspace: string;
  /** https://login.microsoftonline.com unless overridden (sovereign clouds, tests). */
  readonly authority: string;
  /** https://management.azure.com unless overridden. */
  readonly armEndpoint: string;
}

/** Properties we own; compared as they come back. */
const OWNED = [
  'displayName', 'description', 'severity', 'enabled', 'query', 'queryFrequency', 'queryPeriod',
  'triggerOperator', 'triggerThreshold', 'suppressionEnabled', 'suppressionDuration', 'tactics',
  'techniques', 'subTechniques', 'entityMappings', 'eventGroupingSettings',
] as const;

function pick(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of OWNED) {
    const v = props[k];
    // ARM omits empty lists it was given; treat absent and [] alike.
    out[k] = v === undefined || v === null ? (['tactics', 'techniques', 'subTechniques', 'entityMappings'].includes(k) ? [] : undefined) : v;
  }
  return out;
}

export class SentinelClient implements SiemClient {
  readonly target = 'sentinel' as const;
  private token: string | undefined;

  constructor(private readonly cfg: SentinelConfig, private readonly http: HttpClient) {
    http.redactor.add(cfg.clientSecret);
  }

  private get base(): string {
    const c = this.cfg;
    return `${c.armEndpoint.replace(/\/+$/, '')}/subscriptions/${encodeURIComponent(c.subscriptionId)}/resourceGroups/${encodeURIComponent(c.resourceGroup)}` +
      `/providers/Microsoft.OperationalInsights/workspaces/${encodeURIComponent(c.workspace)}/providers/Microsoft.SecurityInsights/alertRules`;
  }

  private async auth(): Promise<string> {
    if (this.token) return this.token;
    const c = this.cfg;
    const url = `${c.authority.replace(/\/+$/, '')}/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`;
    const scope = `${c.armEndpoint.replace(/\/+$/, '')}/.default`;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope }).toString();
    const res = await this.http.request('POST', url, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    if (res.status !== 200) {
      throw new RuleFailure(`Entra ID token request ${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
    }
    const token = (JSON.parse(res.text) as { access_token?: unknown }).access_token;
    if (typeof token !== 'string' || token === '') throw new RuleFailure('Entra ID token response carried no access_token');
    this.http.redactor.add(token);
    this.token = token;
    return token;
  }

  private async call(method: string, url: string, body?: unknown): Promise<{ status: number; text: string }> {
    const token = await this.auth();
    const res = await this.http.request(method, url, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return res;
  }

  desired(unit: DeployUnit): DesiredRule {
    const r = sentinelRule(unit);
    return { key: unit.key, id: r.name, title: unit.rule.title, compare: pick(r.body.properties), payload: r.body };
  }

  async listOurs(): Promise<RemoteRule[]> {
    const out: RemoteRule[] = [];
    let url: string | undefined = `${this.base}?api-version=${SENTINEL_API_VERSION}`;
    for (let pages = 0; url && pages < 1000; pages++) {
      const res = await this.call('GET', url);
      if (res.status !== 200) throw new RuleFailure(`listing alert rules ${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
      const page = JSON.parse(res.text) as { value?: Array<{ name?: string; etag?: string; kind?: string; properties?: Record<string, unknown> }>; nextLink?: string };
      for (const item of page.value ?? []) {
        const props = item.properties ?? {};
        const key = markerKey(props['description']);
        if (key === undefined || item.kind !== 'Scheduled' || typeof item.name !== 'string') continue;
        out.push({ key, id: item.name, title: String(props['displayName'] ?? item.name), props: pick(props), ...(item.etag ? { etag: item.etag } : {}) });
      }
      url = page.nextLink;
    }
    return out;
  }

  private ruleUrl(id: string): string {
    return `${this.base}/${encodeURIComponent(id)}?api-version=${SENTINEL_API_VERSION}`;
  }

  private async put(d: DesiredRule, etag: string | undefined): Promise<void> {
    const body = etag ? { ...(d.payload as object), etag } : d.payload;
    const res = await this.call('PUT', this.ruleUrl(d.id), body);
    if (res.status !== 200 && res.status !== 201) {
      throw new RuleFailure(`${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
    }
  }

  create(d: DesiredRule): Promise<void> {
    return this.put(d, undefined);
  }

  async update(d: DesiredRule, current: RemoteRule): Promise<void> {
    if (current.id !== d.id) {
      // Same rule key under another resource name: put the new one first, then drop the old.
      await this.put(d, undefined);
      await this.remove(current);
      return;
    }
    await this.put(d, current.etag);
  }

  async remove(current: RemoteRule): Promise<void> {
    const res = await this.call('DELETE', this.ruleUrl(current.id));
    if (res.status !== 200 && res.status !== 204 && res.status !== 404) {
      throw new RuleFailure(`${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
    }
  }
}
