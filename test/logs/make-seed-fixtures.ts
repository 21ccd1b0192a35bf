/**
 * Regenerates fixtures/seed/*: the seed's sample event (Event Viewer copy in
 * ../shared/seeds/000_38deb189f0bba951.txt) written in every format the readers accept.
 * Run: npx tsx test/logs/make-seed-fixtures.ts   (needs ../shared; the outputs are committed)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readEvents } from '../../src/logs/read.js';
import { writeEvtx } from '../../src/logs/evtx-write.js';
import { toEventXml, toEcs, writeEventsText } from '../../src/logs/write.js';
import type { FieldValue } from '../../src/logs/event.js';

const SEED = new URL('../../../shared/seeds/000_38deb189f0bba951.txt', import.meta.url).pathname;
const OUT = new URL('../../fixtures/seed/', import.meta.url).pathname;

async function main(): Promise<void> {
  const evs: Array<Readonly<Record<string, FieldValue>>> = [];
  for await (const e of readEvents(SEED, { strict: true })) evs.push(e.fields);
  if (evs.length !== 1) throw new Error(`seed has ${evs.length} events`);
  const f = evs[0]!;
  mkdirSync(OUT, { recursive: true });
  const w = (name: string, data: string | Buffer): void => writeFileSync(join(OUT, name), data);
  w('seed.event.xml', `<?xml version="1.0" encoding="utf-8"?>\n${toEventXml(f)}\n`);
  w('seed.events.xml', writeEventsText('xml', [f]));
  // wevtutil qe /f:xml: events back to back, no root element, no separator.
  w('seed.wevtutil.xml', `${toEventXml(f, true)}${toEventXml(f, true)}\n`);
  w('seed.utf16.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(writeEventsText('xml', [f]), 'utf16le')]));
  w('seed.eventviewer.txt', writeEventsText('eventviewer', [f]));
  w('seed.evtx', writeEvtx([f]));
  w('seed.ecs.ndjson', writeEventsText('ecs', [f]));
  w('seed.ecs.ndjson.gz', gzipSync(writeEventsText('ecs', [f])));
  w('seed.ecs-array.json', `${JSON.stringify([toEcs(f)], null, 2)}\n`);
  w('seed.nxlog.jsonl', writeEventsText('nxlog', [f]));
  w('seed.evtx-dump.txt', writeEventsText('evtx-dump', [f]));
  w('seed.splunk.json', writeEventsText('splunk', [f]));
  w('seed.sentinel.json', writeEventsText('sentinel', [f]));
  w('seed.sentinel-event.jsonl', writeEventsText('sentinel-event', [f]));
  w('seed.splunk.csv', writeEventsText('splunk-csv', [f]));
  w('seed.sentinel.csv', writeEventsText('sentinel-csv', [f]));
  console.log(`wrote seed fixtures to ${OUT}`);
}

await main();
