import { describe, expect, it } from 'vitest';
import { FAMILIES, generate } from '../../scripts/dga/algorithms.js';
import { dgaMatcher, evaluate, popularDomains } from '../../scripts/dga/evaluate.js';

describe('DGA generators', () => {
  it('are deterministic per date and produce well-formed names', () => {
    const d = new Date(Date.UTC(2026, 10, 1));
    for (const f of FAMILIES) {
      const a = generate(f, d, 50);
      expect(generate(f, d, 50)).toEqual(a);
      expect(new Set(a).size).toBeGreaterThan(45);
      for (const n of a) expect(n).toMatch(/^[a-z0-9]+(\.[a-z]{2,4}){1,2}$/);
    }
    expect(generate('conficker-ab', new Date(Date.UTC(2026, 10, 2)), 5)).not.toEqual(generate('conficker-ab', d, 5));
  });

  it('shape: Conficker.A/B 8-11 letters, CryptoLocker 12-15 letters from a-y', () => {
    const d = new Date(Date.UTC(2026, 10, 3));
    for (const n of generate('conficker-ab', d, 200)) expect(n.split('.')[0]!.length).toBeGreaterThanOrEqual(8);
    for (const n of generate('cryptolocker', d, 200)) expect(n.split('.')[0]).toMatch(/^[a-y]{12,15}$/);
  });
});

describe('DGA rule measured with the loader and engine', () => {
  it('catches random and hash families, spares popular domains', async () => {
    const f = await evaluate(2, 300);
    expect(f.families['hash-hex'].rate).toBeGreaterThan(0.95);
    expect(f.families.cryptolocker.rate).toBeGreaterThan(0.6);
    expect(f.families['conficker-ab'].rate).toBeGreaterThan(0.45);
    expect(f.families.dictionary.rate).toBeLessThan(0.05);
    expect(f.popular.total).toBeGreaterThan(1000);
    expect(f.popular.rate).toBeLessThan(0.01);
  });

  it('the popular list holds 500+ real names, none of them flagged through the exclusion lists', async () => {
    const names = popularDomains();
    expect(names.length).toBeGreaterThan(500);
    const hits = await dgaMatcher();
    expect(hits('www.msftconnecttest.com')).toBe(false);
    expect(hits('d1a2b3c4d5e6f7.cloudfront.net')).toBe(false);
    expect(hits('xkqjfmzbn.com')).toBe(true);
  });
});
