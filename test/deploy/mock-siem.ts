/**
 * One local HTTP server (node:http, real sockets on 127.0.0.1, ephemeral port) that implements
 * the parts of the Entra ID token endpoint, the Sentinel alertRules ARM API, Splunk's
 * saved/searches and Kibana's detection engine that our clients use, with in-memory state and
 * fault injection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = '429' | '500' | 'slow' | 'drop' | '401';
export interface Fault {
  readonly kind: FaultKind;
  /** Which requests: method and a substring of the path. */
  readonly method?: string;
  readonly path?: string;
  /** Only requests whose body holds this text (e.g. one rule's id in a create). */
  readonly bodyIncludes?: string;
  /** How many matching requests it hits (default 1). */
  times?: number;
  readonly retryAfter?: string;
}

export const SECRETS = {
  clientSecret: 'S3cr3t-client-VALUE-do-not-print',
  accessToken: 'eyJ-token-VALUE-do-not-print',
  splunkToken: 'splunk-TOKEN-VALUE-do-not-print',
  kibanaKey: 'a2liYW5hLUtFWS1WQUxVRS1kby1ub3QtcHJpbnQ=',
};

export interface MockSiem {
  readonly url: string;
  readonly sentinel: Map<string, { etag: string; body: Record<string, unknown> }>;
  readonly splunk: Map<string, { app: string; content: Record<string, string> }>;
  readonly kibana: Map<string, Record<string, unknown>>;
  readonly faults: Fault[];
  /** Every request seen: method, path (no query). */
  readonly log: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

const SENTINEL_PREFIX = /^\/subscriptions\/sub-1\/resourceGroups\/rg-1\/providers\/Microsoft\.OperationalInsights\/workspaces\/ws-1\/providers\/Microsoft\.SecurityInsights\/alertRules(?:\/([^/?]+))?$/;

export async function startMockSiem(opts: { slowMs?: number } = {}): Promise<MockSiem> {
  const sentinel = new Map<string, { etag: string; body: Record<string, unknown> }>();
  const splunk = new Map<string, { app: string; content: Record<string, string> }>();
  const kibana = new Map<string, Record<string, unknown>>();
  const faults: Fault[] = [];
  const log: MockSiem['log'] = [];
  let etagCounter = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const path = url.pathname;

    const fault = faults.find((f) => (f.times ?? 1) > 0 && (!f.method || f.method === method) && (!f.path || path.includes(f.path)) && (!f.bodyIncludes || body.includes(f.bodyIncludes)));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      switch (fault.kind) {
        case '429': send(res, 429, { error: 'too many requests' }, fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}); return 429;
        case '500': send(res, 500, { error: 'boom' }); return 500;
        case '401': send(res, 401, { error: { code: 'AuthenticationFailed', message: `invalid credentials ${req.headers.authorization ?? ''}` } }); return 401;
        case 'drop': req.socket.destroy(); return 0;
        case 'slow': await new Promise((r) => setTimeout(r, opts.slowMs ?? 500)); if (!res.destroyed) send(res, 200, {}); return -1;
      }
    }

    // Entra ID token endpoint.
    if (method === 'POST' && /^\/tenant-1\/oauth2\/v2\.0\/token$/.test(path)) {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== 'client-1' || form.get('client_secret') !== SECRETS.clientSecret) {
        send(res, 401, { error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided for ${form.get('client_id')}` });
        return 401;
      }
      send(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: SECRETS.accessToken });
      return 200;
    }

    // Sentinel ARM alertRules.
    const sm = SENTINEL_PREFIX.exec(path);
    if (sm) {
      if (req.headers.authorization !== `Bearer ${SECRETS.accessToken}`) { send(res, 401, { error: { message: 'no token' } }); return 401; }
      if (url.searchParams.get('api-version') !== '2024-09-01') { send(res, 400, { error: { message: 'bad api-version' } }); return 400; }
      const id = sm[1] ? decodeURIComponent(sm[1]) : undefined;
      const resource = (rid: string, v: { etag: string; body: Record<string, unknown> }): unknown => ({ id: `${path}/${rid}`, name: rid, etag: v.etag, type: 'Microsoft.SecurityInsights/alertRules', ...v.body });
      if (!id && method === 'GET') {
        // Two pages, to exercise nextLink.
        const all = [...sentinel].map(([rid, v]) => resource(rid, v));
        const page = url.searchParams.get('page') === '2' ? 2 : 1;
        const half = Math.ceil(all.length / 2);
        const value = page === 1 ? all.slice(0, half) : all.slice(half);
        const base = `http://${req.headers.host}${path}?api-version=2024-09-01&page=2`;
        send(res, 200, page === 1 && all.length > half ? { value, nextLink: base } : { value });
        return 200;
      }
      if (id && method === 'PUT') {
        const b = JSON.parse(body) as Record<string, unknown>;
        const cur = sentinel.get(id);
        if (cur && b['etag'] !== undefined && b['etag'] !== cur.etag) { send(res, 409, { error: { message: 'etag mismatch' } }); return 409; }
        const p = b['properties'] as Record<string, unknown> | undefined;
        if (b['kind'] !== 'Scheduled' || !p || typeof p['query'] !== 'string' || typeof p['displayName'] !== 'string') { send(res, 400, { error: { message: 'invalid rule' } }); return 400; }
        const { etag: _e, ...stored } = b;
        void _e;
        const v = { etag: `"${++etagCounter}"`, body: stored };
        sentinel.set(id, v);
        send(res, cur ? 200 : 201, resource(id, v));
        return cur ? 200 : 201;
      }
      if (id && method === 'DELETE') {
        const had = sentinel.delete(id);
        send(res, had ? 200 : 204, {});
        return had ? 200 : 204;
      }
      if (id && method === 'GET') {
        const v = sentinel.get(id);
        if (!v) { send(res, 404, { error: { message: 'not found' } }); return 404; }
        send(res, 200, resource(id, v));
        return 200;
      }
    }

    // Splunk saved/searches.
    const sp = /^\/servicesNS\/([^/]+)\/([^/]+)\/saved\/searches(?:\/([^/]+))?$/.exec(path);
    if (sp) {
      if (req.headers.authorization !== `Bearer ${SECRETS.splunkToken}`) { send(res, 401, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] }); return 401; }
      const app = decodeURIComponent(sp[2]!);
      const name = sp[3] ? decodeURIComponent(sp[3]) : undefined;
      const typed = (c: Record<string, string>): Record<string, unknown> => {
        // Splunk answers with typed JSON: booleans and numbers, not the strings it was sent.
        const out: Record<string, unknown> = { ...c };
        for (const k of ['disabled', 'is_scheduled', 'alert.track', 'alert.suppress', 'alert.digest_mode']) if (k in c) out[k] = c[k] === '1';
        if ('alert.severity' in c) out['alert.severity'] = Number(c['alert.severity']);
        return out;
      };
      if (!name && method === 'GET') {
        const count = Number(url.searchParams.get('count') ?? 30);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const all = [...splunk].map(([n, v]) => ({ name: n, acl: { app: v.app, owner: 'nobody' }, content: typed(v.content) }));
        // Another app's search with a marker-like description must be ignored.
        all.push({ name: 'Other app search', acl: { app: 'search', owner: 'admin' }, content: { description: '(managed by dac, rule 99999999-0000-4000-8000-000000000000)', search: 'index=x' } });
        send(res, 200, { entry: all.slice(offset, offset + count), paging: { total: all.length, offset, perPage: count } });
        return 200;
      }
      const form = Object.fromEntries(new URLSearchParams(body));
      if (!name && method === 'POST') {
        const n = form['name'];
        if (!n) { send(res, 400, { messages: [{ type: 'ERROR', text: 'name missing' }] }); return 400; }
        if (splunk.has(n)) { send(res, 409, { messages: [{ type: 'ERROR', text: `A saved search named ${n} already exists` }] }); return 409; }
        delete form['name'];
        splunk.set(n, { app, content: form });
        send(res, 201, { entry: [{ name: n }] });
        return 201;
      }
      if (name && method === 'POST') {
        const cur = splunk.get(name);
        if (!cur) { send(res, 404, { messages: [{ type: 'ERROR', text: 'Could not find object' }] }); return 404; }
        if ('name' in form) { send(res, 400, { messages: [{ type: 'ERROR', text: 'Argument "name" is not supported by this handler.' }] }); return 400; }
        cur.content = { ...cur.content, ...form };
        send(res, 200, { entry: [{ name }] });
        return 200;
      }
      if (name && method === 'DELETE') {
        if (!splunk.delete(name)) { send(res, 404, { messages: [{ type: 'ERROR', text: 'Could not find object' }] }); return 404; }
        send(res, 200, {});
        return 200;
      }
    }

    // Kibana detection engine.
    const kb = /^(?:\/s\/[^/]+)?\/api\/detection_engine\/rules(\/_find)?$/.exec(path);
    if (kb) {
      if (req.headers.authorization !== `ApiKey ${SECRETS.kibanaKey}`) { send(res, 401, { statusCode: 401, error: 'Unauthorized', message: 'unable to authenticate' }); return 401; }
      if (method !== 'GET' && req.headers['kbn-xsrf'] === undefined) { send(res, 400, { message: 'Request must contain a kbn-xsrf header.' }); return 400; }
      if (kb[1] && method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 20);
        const page = Number(url.searchParams.get('page') ?? 1);
        const filter = url.searchParams.get('filter') ?? '';
        const tag = /alert\.attributes\.tags:"([^"]+)"/.exec(filter)?.[1];
        const all = [...kibana.values()].filter((r) => !tag || (r['tags'] as string[]).includes(tag));
        send(res, 200, { page, perPage, total: all.length, data: all.slice((page - 1) * perPage, page * perPage) });
        return 200;
      }
      if (method === 'GET') {
        const r = kibana.get(url.searchParams.get('rule_id') ?? '');
        if (!r) { send(res, 404, { message: 'rule not found' }); return 404; }
        send(res, 200, r);
        return 200;
      }
      if (method === 'POST' || method === 'PUT') {
        const r = JSON.parse(body) as Record<string, unknown>;
        const id = r['rule_id'];
        if (typeof id !== 'string' || typeof r['query'] !== 'string') { send(res, 400, { message: 'rule_id and query required' }); return 400; }
        const cur = kibana.get(id);
        if (method === 'POST' && cur) { send(res, 409, { message: `rule_id: "${id}" already exists`, status_code: 409 }); return 409; }
        if (method === 'PUT' && !cur) { send(res, 404, { message: `rule_id: "${id}" not found` }); return 404; }
        const stored = { id: `so-${id}`, ...r, version: cur ? Number(cur['version']) + 1 : 1, updated_at: new Date().toISOString() };
        kibana.set(id, stored);
        send(res, 200, stored);
        return 200;
      }
      if (method === 'DELETE') {
        const id = url.searchParams.get('rule_id') ?? '';
        if (!kibana.delete(id)) { send(res, 404, { message: 'not found' }); return 404; }
        send(res, 200, { rule_id: id });
        return 200;
      }
    }
    send(res, 404, { error: `no route ${method} ${path}` });
    return 404;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8')).then((status) => {
        log.push({ method: req.method ?? '', path: new URL(req.url ?? '/', 'http://x').pathname, status });
      }).catch(() => { if (!res.headersSent) { res.writeHead(500); res.end(); } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sentinel, splunk, kibana, faults, log,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function envFor(url: string): Record<string, string> {
  return {
    DAC_SENTINEL_TENANT_ID: 'tenant-1',
    DAC_SENTINEL_CLIENT_ID: 'client-1',
    DAC_SENTINEL_CLIENT_SECRET: SECRETS.clientSecret,
    DAC_SENTINEL_SUBSCRIPTION_ID: 'sub-1',
    DAC_SENTINEL_RESOURCE_GROUP: 'rg-1',
    DAC_SENTINEL_WORKSPACE: 'ws-1',
    DAC_SENTINEL_AUTHORITY: url,
    DAC_SENTINEL_ARM_ENDPOINT: url,
    DAC_SPLUNK_URL: url,
    DAC_SPLUNK_TOKEN: SECRETS.splunkToken,
    DAC_SPLUNK_APP: 'dac_test',
    DAC_KIBANA_URL: url,
    DAC_KIBANA_API_KEY: SECRETS.kibanaKey,
    DAC_KIBANA_SPACE: 'sec',
  };
}
