import { existsSync } from 'node:fs';
import { readEvents, newReadStats, type ReadError, type ReadOptions, type ReadStats } from '../../src/logs/read.js';
import type { CanonicalEvent } from '../../src/logs/event.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const SEED_DIR = `${ROOT}fixtures/seed/`;
export const SHARED = new URL('../../../shared/', import.meta.url).pathname;
export const SEED_TXT = `${SHARED}seeds/000_38deb189f0bba951.txt`;
export const HAVE_SHARED_SEED = existsSync(SEED_TXT);

export interface ReadResult { events: CanonicalEvent[]; errors: ReadError[]; stats: ReadStats }

export async function readAll(path: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const events: CanonicalEvent[] = [];
  const errors: ReadError[] = [];
  const stats = newReadStats();
  for await (const e of readEvents(path, { ...opts, stats, onError: (err) => errors.push(err) })) events.push(e);
  return { events, errors, stats };
}

/** Plain object copy of a null-prototype fields object (for toEqual). */
export function plain(f: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...f };
}
