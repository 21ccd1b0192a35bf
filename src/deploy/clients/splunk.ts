/**
 * Splunk: REST `saved/searches` in our app's namespace with a bearer token. Create is
 * POST …/saved/searches (name + params), update POST …/saved/searches/{name}, list with
 * output_mode=json. Our searches carry the marker in their description and live in our app.
 */
import { markerKey, splunkSavedSearch, type SplunkOptions } from '../artifacts.js';
import { bodySnippet, HttpClient } from '../http.js';
import type { DeployUnit } from '../units.js';
import { RuleFailure, statusMeaning, type DesiredRule, type RemoteRule, type SiemClient } from './types.js';

export interface SplunkConfig {
  /** Management endpoint, e.g. https://splunk.example.com:8089 */
  readonly url: string;
  readonly token: string;
  readonly app: string;
  /** `nobody` shares the searches app-wide. */
  readonly owner: string;
  readonly options?: SplunkOptions;
}

/** Parameters we own; the REST API answers with typed JSON (true, 4), we send strings. */
const OWNED = [
  'description', 'search', 'disabled', 'is_scheduled', 'cron_schedule', 'dispatch.earliest_time',
  'dispatch.latest_time', 'alert.track', 'alert.digest_mode', 'alert.severity', 'alert.suppress',
  'alert.suppress.period', 'alert.suppress.fields', 'actions',
] as const;

function norm(v: unknown): string {
  if (v === true) return '1';
  if (v === false) return '0';
  if (v === undefined || v === null) return '';
  return String(v);
}

function pick(content: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = norm(content[k]);
  return out;
}

export class SplunkClient implements SiemClient {
  readonly target = 'splunk' as const;

  constructor(private readonly cfg: SplunkConfig, private readonly http: HttpClient) {
    http.redactor.add(cfg.token);
  }

  private get base(): string {
    const c = this.cfg;
    return `${c.url.replace(/\/+$/, '')}/servicesNS/${encodeURIComponent(c.owner)}/${encodeURIComponent(c.app)}/saved/searches`;
  }

  private call(method: string, url: string, form?: Record<string, string>): Promise<{ status: number; text: string }> {
    return this.http.request(method, url, {
      headers: {
        authorization: `Bearer ${this.cfg.token}`,
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
  }

  desired(unit: DeployUnit): DesiredRule {
    const s = splunkSavedSearch(unit, this.cfg.options);
    const params: Record<string, string> = { ...s.params };
    // Keys we manage but the stanza left out are sent empty, so a removed setting is cleared.
    for (const k of OWNED) if (!(k in params)) params[k] = '';
    return { key: unit.key, id: s.name, title: s.name, compare: pick(params, OWNED), payload: params };
  }

  async listOurs(): Promise<RemoteRule[]> {
    const out: RemoteRule[] = [];
    const pageSize = 500;
    for (let offset = 0; ; offset += pageSize) {
      const res = await this.call('GET', `${this.base}?output_mode=json&count=${pageSize}&offset=${offset}`);
      if (res.status !== 200) throw new RuleFailure(`listing saved searches ${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
      const page = JSON.parse(res.text) as { entry?: Array<{ name?: string; content?: Record<string, unknown>; acl?: { app?: string } }>; paging?: { total?: number } };
      const entries = page.entry ?? [];
      for (const e of entries) {
        const content = e.content ?? {};
        const key = markerKey(content['description']);
        // Only searches in our app: the namespace also shows searches shared from other apps.
        if (key === undefined || typeof e.name !== 'string' || (e.acl?.app !== undefined && e.acl.app !== this.cfg.app)) continue;
        out.push({ key, id: e.name, title: e.name, props: pick(content, OWNED) });
      }
      if (entries.length < pageSize || offset + pageSize >= (page.paging?.total ?? 0)) break;
    }
    return out;
  }

  private itemUrl(name: string): string {
    return `${this.base}/${encodeURIComponent(name)}?output_mode=json`;
  }

  async create(d: DesiredRule): Promise<void> {
    const params = d.payload as Record<string, string>;
    const res = await this.call('POST', `${this.base}?output_mode=json`, { name: d.id, ...params });
    if (res.status === 409) {
      // Exists already (e.g. a retried create that had landed): update it instead.
      await this.post(d);
      return;
    }
    if (res.status !== 200 && res.status !== 201) throw new RuleFailure(`${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
  }

  private async post(d: DesiredRule): Promise<void> {
    const res = await this.call('POST', this.itemUrl(d.id), d.payload as Record<string, string>);
    if (res.status !== 200 && res.status !== 201) throw new RuleFailure(`${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
  }

  async update(d: DesiredRule, current: RemoteRule): Promise<void> {
    if (current.id !== d.id) {
      // Retitled rule: saved searches cannot be renamed; create the new one, then drop the old.
      await this.create(d);
      await this.remove(current);
      return;
    }
    await this.post(d);
  }

  async remove(current: RemoteRule): Promise<void> {
    const res = await this.call('DELETE', this.itemUrl(current.id));
    if (res.status !== 200 && res.status !== 404) throw new RuleFailure(`${statusMeaning(res.status)}: ${bodySnippet(res.text, this.http.redactor)}`, res.status);
  }
}
