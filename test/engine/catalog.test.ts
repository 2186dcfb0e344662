import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogRule as rule } from './test-rules.js';
import {
  BUILT_CATALOG,
  catalogProblems,
  findRule,
  loadCatalog,
  matchRule,
  RULES_DIR,
} from '../../src/engine/catalog.js';

const catalog = await loadCatalog();

describe('rule catalog (modules under src/checks, prose under rules/)', () => {
  it('pairs every rule module with its prose and passes the load-time checks', () => {
    const prose = catalog.entries.map((entry) => entry.id);
    expect(catalogProblems([...catalog.modules.values()], prose)).toEqual([]);
    for (const entry of catalog.entries) {
      expect(existsSync(join(RULES_DIR, `${entry.id}.yaml`)), entry.id).toBe(true);
      expect(entry.helpUri, entry.id).toMatch(/^https:\/\//);
      expect(entry.rationale.length, entry.id).toBeGreaterThan(20);
    }
  });

  it('finds rules by id or slug in any case, and matches areas for --only/--skip', () => {
    expect(new Set(catalog.entries.map((rule) => rule.slug)).size).toBe(catalog.entries.length);
    expect(findRule(catalog.entries, 'mra-dns-002')?.slug).toBe('uds-srv-not-external');
    expect(findRule(catalog.entries, 'UDS-SRV-NOT-EXTERNAL')?.id).toBe('MRA-DNS-002');
    expect(findRule(catalog.entries, 'MRA-XXX-999')).toBeUndefined();
    const dns = catalog.entries.filter((entry) => matchRule(entry, 'DNS'));
    expect(dns.length).toBeGreaterThan(0);
    expect(dns.every((entry) => entry.area === 'dns')).toBe(true);
  });
});

describe('catalogProblems', () => {
  it('names each inconsistency on its own line', () => {
    const problems = catalogProblems(
      [
        rule('MRA-DNS-001', 'one'),
        rule('MRA-DNS-002', 'one'),
        rule('MRA-DNS-003', 'three', { requires: ['MRA-DNS-009', { rule: 'MRA-DNS-001', messages: ['nope'] }] }),
        rule('MRA-DNS-004', 'four', { messages: { skip: 'Skipped: not today.' } }),
        rule('MRA-NTP-005', 'five', { area: 'dns' }),
      ],
      ['MRA-DNS-001', 'MRA-DNS-002', 'MRA-DNS-003', 'MRA-DNS-004', 'MRA-DNS-008'],
    );
    expect(problems).toEqual([
      'MRA-DNS-002: slug one is taken',
      'MRA-DNS-004.skip: a message does not say "Skipped": the status does',
      'MRA-NTP-005: area dns does not match the id',
      'MRA-DNS-003: requires unknown rule MRA-DNS-009',
      'MRA-DNS-003: requires MRA-DNS-001 message nope, which it does not declare',
      'rules/MRA-DNS-008.yaml: no rule module declares MRA-DNS-008',
      'MRA-NTP-005: no prose (rules/MRA-NTP-005.yaml)',
    ]);
  });
});

describe('the catalog the build writes (dist/catalog.json, read by `rules` and `explain`)', () => {
  it('equals the registry and its prose (npm test builds before it runs)', async () => {
    const built = JSON.parse(readFileSync(BUILT_CATALOG, 'utf8')) as unknown;
    expect(built).toEqual(JSON.parse(JSON.stringify(catalog.entries)));
  });
});
