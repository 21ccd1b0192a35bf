/** The validators are live: they accept what we emit and reject broken queries. */
import { describe, expect, it } from 'vitest';
import { defaultPipeline, validateQuery } from '../../src/targets/index.js';
import { kqlDiagnostics } from '../../src/targets/validate/kql.js';

const sysmon = defaultPipeline('sentinel');

describe('KQL (Kusto.Language)', () => {
  it('accepts a well-formed query over the Sysmon parser schema', () => {
    expect(kqlDiagnostics('Sysmon | where EventID == 3 | where tostring(Image) endswith @"\\x.exe"')).toEqual([]);
  });
  it('rejects a deliberately broken query', () => {
    const r = validateQuery('kql', 'Sysmon | where EventID == 3 | where (tostring(Image) endswith @"x"', sysmon);
    expect(r.ok).toBe(false);
    expect(r.depth).toBe('parser');
  });
  it('rejects an unknown column and an unknown function', () => {
    expect(validateQuery('kql', 'Sysmon | where NoSuchColumn == 1', sysmon).ok).toBe(false);
    expect(validateQuery('kql', 'Sysmon | where ipv6_in_range_typo(tostring(SourceIp), "::1/128")', sysmon).ok).toBe(false);
  });
  it('rejects summarize by a dynamic column (KS116), as Sentinel does', () => {
    const r = validateQuery('kql', 'Sysmon | summarize count() by Image', sysmon);
    expect(r.problems.join()).toMatch(/KS116/);
  });
  it('literal types: int vs text and dynamic vs number are rejected (Kusto itself accepts both)', () => {
    expect(kqlDiagnostics('Sysmon | where EventID == "3"')).toEqual([]);
    expect(validateQuery('kql', 'Sysmon | where EventID == "3"', sysmon).problems.join()).toMatch(/int compared with the text literal/);
    expect(validateQuery('kql', 'Sysmon | where DestinationPort == 4444', sysmon).problems.join()).toMatch(/dynamic value compared/);
    expect(validateQuery('kql', 'Sysmon | where toint(DestinationPort) == 4444', sysmon).ok).toBe(true);
  });
  it('ASIM table types: DstPortNumber is int', () => {
    const asim = defaultPipeline('sentinel-asim');
    expect(validateQuery('kql', '_Im_NetworkSession | where DstPortNumber == 443', asim).ok).toBe(true);
    expect(validateQuery('kql', '_Im_NetworkSession | where DstPortNumber == "443"', asim).ok).toBe(false);
  });
});

describe('ES|QL (definitions from @elastic/esql-definitions)', () => {
  const ecs = defaultPipeline('elastic-esql');
  it('accepts known functions with the right arity', () => {
    expect(validateQuery('esql', 'FROM logs-* | WHERE STARTS_WITH(TO_LOWER(process.executable), "c:") AND CIDR_MATCH(destination.ip, "10.0.0.0/8", "fe80::/10")', ecs).problems).toEqual([]);
  });
  it('rejects an unknown function, a wrong arity, an unknown command, an aggregate outside STATS', () => {
    expect(validateQuery('esql', 'FROM x | WHERE STARTSWITH(a, "b")', ecs).problems.join()).toMatch(/unknown ES\|QL function/);
    expect(validateQuery('esql', 'FROM x | WHERE STARTS_WITH(a)', ecs).problems.join()).toMatch(/takes 2..2 arguments, got 1/);
    expect(validateQuery('esql', 'FROM x | FILTER a == 1', ecs).problems.join()).toMatch(/unknown ES\|QL command/);
    expect(validateQuery('esql', 'FROM x | WHERE STD_DEV(a) > 1', ecs).problems.join()).toMatch(/aggregate/);
  });
  it('literal types against ECS fields', () => {
    expect(validateQuery('esql', 'FROM x | WHERE destination.port == "443"', ecs).ok).toBe(false);
    expect(validateQuery('esql', 'FROM x | WHERE process.executable == 443', ecs).ok).toBe(false);
  });
});

describe('Query DSL (shape + literal types)', () => {
  const ecs = defaultPipeline('elastic-dsl');
  it('accepts what we emit', () => expect(validateQuery('dsl', JSON.stringify({ bool: { filter: [{ term: { 'destination.port': { value: 443 } } }] } }), ecs).ok).toBe(true));
  it('rejects unknown keys, a string term on a long field, case_insensitive on ip', () => {
    expect(validateQuery('dsl', JSON.stringify({ bool: { filter: [{ term: { 'destination.port': { value: '443' } } }] } }), ecs).ok).toBe(false);
    expect(validateQuery('dsl', JSON.stringify({ bool: { filterz: [] } }), ecs).ok).toBe(false);
    expect(validateQuery('dsl', JSON.stringify({ term: { 'destination.ip': { value: '10.0.0.1', case_insensitive: true } } }), ecs).ok).toBe(false);
    expect(validateQuery('dsl', '{"bool":', ecs).ok).toBe(false);
  });
});

describe('SPL and EQL (structural only)', () => {
  it('spl: unbalanced quote, unknown command, unknown function', () => {
    expect(validateQuery('spl', '`sysmon` EventCode=3 Image="x').ok).toBe(false);
    expect(validateQuery('spl', '`sysmon` | frobnicate x').ok).toBe(false);
    expect(validateQuery('spl', '`sysmon` | where nosuch(x)').ok).toBe(false);
    expect(validateQuery('spl', '`sysmon` EventCode=3 | where match(Image, "a") OR cidrmatch("10.0.0.0/8", SourceIp)').ok).toBe(true);
    expect(validateQuery('spl', '`sysmon` EventCode=3 | where match(Image, "a"').depth).toBe('structural');
  });
  it('eql: unbalanced paren, unknown function, arity', () => {
    expect(validateQuery('eql', 'network where (a == 1').ok).toBe(false);
    expect(validateQuery('eql', 'network where frob(a)').ok).toBe(false);
    expect(validateQuery('eql', 'network where startsWith~(a)').ok).toBe(false);
    expect(validateQuery('eql', 'network where startsWith~(a, "b") and cidrMatch(destination.ip, "10.0.0.0/8", "::1/128")').ok).toBe(true);
  });
});
