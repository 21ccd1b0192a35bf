#!/usr/bin/env node
// Entry point of the `dac` CLI. Runs the compiled code in dist/ (built by `npm run build`,
// which `npm ci` runs through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("dac: dist/ is missing; run 'npm run build' first\n");
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
