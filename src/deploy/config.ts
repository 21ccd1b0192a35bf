/**
 * Deploy credentials and endpoints come only from environment variables (docs/deploy.md lists
 * them). Endpoint overrides exist for sovereign clouds, proxies and the contract tests.
 */
import type { DeployTarget } from '../ir/types.js';
import { DEFAULT_SPLUNK_APP, type ElasticOptions, type SplunkOptions } from './artifacts.js';
import type { ElasticConfig } from './clients/elastic.js';
import type { SentinelConfig } from './clients/sentinel.js';
import type { SplunkConfig } from './clients/splunk.js';

type Env = Readonly<Record<string, string | undefined>>;

export const ENV_VARS: Readonly<Record<DeployTarget, ReadonlyArray<{ name: string; required: boolean; secret: boolean; what: string }>>> = {
  sentinel: [
    { name: 'DAC_SENTINEL_TENANT_ID', required: true, secret: false, what: 'Entra ID tenant (directory) id' },
    { name: 'DAC_SENTINEL_CLIENT_ID', required: true, secret: false, what: 'app registration (client) id' },
    { name: 'DAC_SENTINEL_CLIENT_SECRET', required: true, secret: true, what: 'client secret of the app registration' },
    { name: 'DAC_SENTINEL_SUBSCRIPTION_ID', required: true, secret: false, what: 'subscription of the workspace' },
    { name: 'DAC_SENTINEL_RESOURCE_GROUP', required: true, secret: false, what: 'resource group of the workspace' },
    { name: 'DAC_SENTINEL_WORKSPACE', required: true, secret: false, what: 'Log Analytics workspace name' },
    { name: 'DAC_SENTINEL_AUTHORITY', required: false, secret: false, what: 'token authority (default https://login.microsoftonline.com)' },
    { name: 'DAC_SENTINEL_ARM_ENDPOINT', required: false, secret: false, what: 'ARM endpoint (default https://management.azure.com)' },
  ],
  splunk: [
    { name: 'DAC_SPLUNK_URL', required: true, secret: false, what: 'management URL, e.g. https://splunk.example.com:8089' },
    { name: 'DAC_SPLUNK_TOKEN', required: true, secret: true, what: 'authentication token (bearer)' },
    { name: 'DAC_SPLUNK_APP', required: false, secret: false, what: `app that holds the searches (default ${DEFAULT_SPLUNK_APP})` },
    { name: 'DAC_SPLUNK_OWNER', required: false, secret: false, what: 'owner namespace (default nobody = shared in the app)' },
  ],
  elastic: [
    { name: 'DAC_KIBANA_URL', required: true, secret: false, what: 'Kibana URL, e.g. https://kibana.example.com:5601' },
    { name: 'DAC_KIBANA_API_KEY', required: true, secret: true, what: 'API key (base64 id:key as Kibana shows it)' },
    { name: 'DAC_KIBANA_SPACE', required: false, secret: false, what: 'Kibana space id (default space when unset)' },
    { name: 'DAC_ES_URL', required: false, secret: false, what: 'Elasticsearch URL for the optional index check' },
    { name: 'DAC_ES_API_KEY', required: false, secret: true, what: 'API key for DAC_ES_URL (defaults to DAC_KIBANA_API_KEY)' },
  ],
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Every secret value present in the environment, for redaction before anything runs. */
export function secretValues(env: Env): string[] {
  return Object.values(ENV_VARS).flat().filter((v) => v.secret).map((v) => env[v.name]).filter((v): v is string => !!v);
}

function need(env: Env, target: DeployTarget): (name: string) => string {
  const missing = ENV_VARS[target].filter((v) => v.required && !env[v.name]).map((v) => v.name);
  if (missing.length > 0) throw new ConfigError(`missing environment variable(s) for ${target}: ${missing.join(', ')} (see docs/deploy.md)`);
  return (name) => env[name] ?? '';
}

export function sentinelConfig(env: Env): SentinelConfig {
  const get = need(env, 'sentinel');
  return {
    tenantId: get('DAC_SENTINEL_TENANT_ID'),
    clientId: get('DAC_SENTINEL_CLIENT_ID'),
    clientSecret: get('DAC_SENTINEL_CLIENT_SECRET'),
    subscriptionId: get('DAC_SENTINEL_SUBSCRIPTION_ID'),
    resourceGroup: get('DAC_SENTINEL_RESOURCE_GROUP'),
    workspace: get('DAC_SENTINEL_WORKSPACE'),
    authority: env['DAC_SENTINEL_AUTHORITY'] || 'https://login.microsoftonline.com',
    armEndpoint: env['DAC_SENTINEL_ARM_ENDPOINT'] || 'https://management.azure.com',
  };
}

export function splunkConfig(env: Env, options: SplunkOptions = {}): SplunkConfig {
  const get = need(env, 'splunk');
  const app = env['DAC_SPLUNK_APP'] || options.app || DEFAULT_SPLUNK_APP;
  return { url: get('DAC_SPLUNK_URL'), token: get('DAC_SPLUNK_TOKEN'), app, owner: env['DAC_SPLUNK_OWNER'] || 'nobody', options: { ...options, app } };
}

export function elasticConfig(env: Env, options: ElasticOptions = {}): ElasticConfig {
  const get = need(env, 'elastic');
  const space = env['DAC_KIBANA_SPACE'];
  return { url: get('DAC_KIBANA_URL'), apiKey: get('DAC_KIBANA_API_KEY'), ...(space ? { space } : {}), options };
}
