import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRule, loadCatalog } from '../../src/engine/catalog.js';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import specRules from './spec-rules.json' with { type: 'json' };

/**
 * The catalog against the SPEC's list of permanent ids, on its own so that the mutation run
 * (stryker.config.mjs) can leave it out while a rule the SPEC lists is not built yet.
 */
const catalog = await loadCatalog();
const SPEC = join(PACKAGE_ROOT, '..', 'shared', 'SPEC.md');

/** The id/slug rows of the SPEC's rule tables (sections 5, 8.7, 8.8). */
const specRows = (text: string): Array<{ id: string; slug: string }> =>
  [...text.matchAll(/^\| (MRA-[A-Z]+-\d{3}) \| ([a-z0-9-]+) \|/gm)].map(([, id, slug]) => ({ id: id!, slug: slug! }));

describe('rule catalog (modules under src/checks, prose under rules/)', () => {
  it("holds every permanent id of the SPEC with its slug (the SPEC's table, kept in spec-rules.json)", () => {
    // The committed list follows the SPEC; when the SPEC is beside the project it must equal it.
    if (existsSync(SPEC)) expect(specRows(readFileSync(SPEC, 'utf8'))).toEqual(specRules);
    else expect(specRules.length).toBeGreaterThanOrEqual(35);
    for (const { id, slug } of specRules) expect(findRule(catalog.entries, id)?.slug, id).toBe(slug);
  });
});
