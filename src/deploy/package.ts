/**
 * `dac package`: writes the artifacts of every deployable rule under one folder:
 *   sentinel/azuredeploy.json, splunk/<app>/… + splunk/<app>.tgz, elastic/rules.ndjson.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { create as createTar } from 'tar';
import {
  elasticNdjson, sentinelArmTemplate, splunkApp,
  type ElasticOptions, type SplunkOptions,
} from './artifacts.js';
import type { DeployUnit } from './units.js';

export interface PackageOptions {
  readonly splunk?: SplunkOptions;
  readonly elastic?: ElasticOptions;
}

export interface PackageResult {
  /** Written files, relative to the output folder, sorted. */
  readonly files: readonly string[];
  readonly counts: { readonly sentinel: number; readonly splunk: number; readonly elastic: number };
}

export async function writePackage(units: readonly DeployUnit[], outDir: string, opts: PackageOptions = {}): Promise<PackageResult> {
  const written: string[] = [];
  const put = async (rel: string, content: string): Promise<void> => {
    const abs = join(outDir, rel);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content, 'utf8');
    written.push(rel);
  };

  await put('sentinel/azuredeploy.json', sentinelArmTemplate(units));

  const app = splunkApp(units, opts.splunk);
  // Start from an empty app folder so a removed file cannot linger in the package.
  await rm(join(outDir, 'splunk', app.app), { recursive: true, force: true });
  for (const [rel, content] of app.files) await put(`splunk/${app.app}/${rel}`, content);
  const tgz = `splunk/${app.app}.tgz`;
  await createTar(
    { gzip: true, file: join(outDir, tgz), cwd: join(outDir, 'splunk'), portable: true, mtime: new Date(0) },
    [...app.files.keys()].sort().map((rel) => `${app.app}/${rel}`),
  );
  written.push(tgz);

  await put('elastic/rules.ndjson', elasticNdjson(units, opts.elastic));

  return {
    files: written.sort(),
    counts: {
      sentinel: units.filter((u) => u.queries.sentinel).length,
      splunk: units.filter((u) => u.queries.splunk).length,
      elastic: units.filter((u) => u.queries.elastic).length,
    },
  };
}
