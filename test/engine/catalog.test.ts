import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/checks/index.js';
import { findRule, loadCatalog } from '../../src/engine/catalog.js';
import { PACKAGE_ROOT } from '../../src/engine/package-root.js';
import { schemaProblems } from '../../src/inventory/validate.js';

/** The permanent ids of SPEC section 5; never reused or renamed. */
const SPEC_IDS = [
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => `MRA-DNS-00${n}`),
  ...[1, 2, 3, 4].map((n) => `MRA-NTP-00${n}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `MRA-CERT-${String(n).padStart(3, '0')}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => `MRA-CUCM-${String(n).padStart(3, '0')}`),
  'MRA-EXP-001',
  'MRA-EXP-002',
];

describe('rule catalog', () => {
  const catalog = loadCatalog();

  it('holds exactly the 35 ids of the SPEC, each entry valid against schema/rule.schema.json', () => {
    expect(catalog.map((rule) => rule.id).sort()).toEqual([...SPEC_IDS].sort());
    for (const rule of catalog) {
      expect(schemaProblems('rule.schema.json', rule, `rules/${rule.id}.yaml`), rule.id).toEqual([]);
    }
  });

  it('matches the SPEC table slugs when the SPEC is beside the project', () => {
    const spec = join(PACKAGE_ROOT, '..', 'shared', 'SPEC.md');
    if (!existsSync(spec)) return; // a clone without the steering folder: the id list above still holds
    const rows = [...readFileSync(spec, 'utf8').matchAll(/^\| (MRA-[A-Z]+-\d{3}) \| ([a-z0-9-]+) \|/gm)];
    expect(rows).toHaveLength(35);
    for (const [, id, slug] of rows) expect(findRule(catalog, id!)?.slug, id).toBe(slug);
  });

  it('has unique slugs and finds rules by id or slug, case-insensitively', () => {
    expect(new Set(catalog.map((rule) => rule.slug)).size).toBe(catalog.length);
    expect(findRule(catalog, 'mra-dns-002')?.slug).toBe('uds-srv-not-external');
    expect(findRule(catalog, 'uds-srv-not-external')?.id).toBe('MRA-DNS-002');
    expect(findRule(catalog, 'MRA-XXX-999')).toBeUndefined();
  });

  it('has a catalog entry for every check, and no check behind a planned entry', () => {
    for (const check of ALL_CHECKS) {
      const rule = findRule(catalog, check.id);
      expect(rule, check.id).toBeDefined();
      expect(rule?.state, check.id).toBe('implemented');
    }
    const implemented = new Set(ALL_CHECKS.map((check) => check.id));
    for (const rule of catalog) {
      if (rule.state === 'implemented')
        expect(implemented.has(rule.id), `${rule.id} is implemented in the catalog but has no check`).toBe(true);
    }
  });

  it('declares every per-message severity against a message the check has', () => {
    for (const rule of catalog) {
      const check = ALL_CHECKS.find((candidate) => candidate.id === rule.id);
      if (!check || !rule.messageSeverity) continue;
      for (const messageId of Object.keys(rule.messageSeverity))
        expect(Object.keys(check.messages), rule.id).toContain(messageId);
    }
  });
});
