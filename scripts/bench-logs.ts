/**
 * Reader benchmark: generates a deterministic Sysmon 3 corpus under /tmp (NDJSON in NXLog and ECS
 * shapes, event XML, EVTX) and measures events/s for each reader, wall and CPU time (CPU time is
 * the fairer figure on a shared machine), plus peak RSS.
 *   npx tsx scripts/bench-logs.ts [events=200000] [dir=/tmp/bench-logs]
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { readEvents } from '../src/logs/read.js';
import { EvtxStreamWriter } from '../src/logs/evtx-write.js';
import { toEcs, toEventXml, toNxlog } from '../src/logs/write.js';
import { sysmon3 } from '../test/logs/gen.js';

const N = Number(process.argv[2] ?? 200000);
const DIR = process.argv[3] ?? '/tmp/bench-logs';

function generate(): Record<string, string> {
  mkdirSync(DIR, { recursive: true });
  const paths = {
    'NDJSON (NXLog)': join(DIR, `sysmon3-${N}.nxlog.jsonl`),
    'NDJSON (ECS)': join(DIR, `sysmon3-${N}.ecs.ndjson`),
    'XML (wevtutil)': join(DIR, `sysmon3-${N}.xml`),
    EVTX: join(DIR, `sysmon3-${N}.evtx`),
  };
  if (Object.values(paths).every((p) => existsSync(p))) return paths;
  const fds = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, openSync(p, 'w')]));
  const evtx = new EvtxStreamWriter();
  writeSync(fds['EVTX']!, Buffer.alloc(4096)); // header placeholder, written at the end
  const BATCH = 10000;
  for (let done = 0; done < N; done += BATCH) {
    const evs = sysmon3(Math.min(BATCH, N - done), 1000 + done, Date.UTC(2024, 0, 1) + done * 1000);
    evs.forEach((e, i) => { e['EventRecordID'] = done + i + 1; });
    writeSync(fds['NDJSON (NXLog)']!, evs.map((e) => JSON.stringify(toNxlog(e))).join('\n') + '\n');
    writeSync(fds['NDJSON (ECS)']!, evs.map((e) => JSON.stringify(toEcs(e))).join('\n') + '\n');
    writeSync(fds['XML (wevtutil)']!, evs.map((e) => toEventXml(e, true)).join('') + '\n');
    for (const e of evs) for (const c of evtx.add(e)) writeSync(fds['EVTX']!, c);
  }
  for (const c of evtx.finish()) writeSync(fds['EVTX']!, c);
  writeSync(fds['EVTX']!, evtx.header(), 0, 4096, 0);
  for (const fd of Object.values(fds)) closeSync(fd);
  return paths;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const paths = generate();
  console.log(`corpus: ${N} events in ${DIR} (${((Date.now() - t0) / 1000).toFixed(1)} s to generate or reuse)`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const rows: string[][] = [['reader', 'MB', 'events', 'wall s', 'events/s (wall)', 'events/s (CPU)', 'peak RSS MB']];
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  for (const [name, p] of Object.entries(paths)) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    let n = 0;
    let errors = 0;
    peak = 0;
    for await (const e of readEvents(p, { onError: () => { errors++; } })) if (e.fields['EventID'] === 3) n++;
    const wall = (performance.now() - w0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    peak = Math.max(peak, process.memoryUsage().rss);
    if (errors) console.log(`${name}: ${errors} errors!`);
    rows.push([name, (statSync(p).size / 1e6).toFixed(0), String(n), wall.toFixed(2), Math.round(n / wall).toLocaleString('en'), Math.round(n / cpu).toLocaleString('en'), (peak / 1e6).toFixed(0)]);
  }
  clearInterval(timer);
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
}

await main();
