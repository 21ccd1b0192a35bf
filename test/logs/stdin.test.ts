import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, SEED_DIR } from './helpers.js';

// readEvents('-') reads standard input (here: a child process fed the gzip'd ECS seed).
describe('stdin', () => {
  it("'-' reads events from standard input, gzip included", () => {
    const script = `import { readEvents } from './src/logs/index.ts';
let n = 0; for await (const e of readEvents('-')) { n++; process.stdout.write(JSON.stringify([e.source.file, e.fields.DestinationPort])); }`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT, input: readFileSync(`${SEED_DIR}seed.ecs.ndjson.gz`), encoding: 'utf8', timeout: 60000,
    });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.stdout).toBe(JSON.stringify(['-', 135]));
  });
});
