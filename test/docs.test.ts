import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/engine/catalog.js';
import { PACKAGE_ROOT } from '../src/package/root.js';
import { regenerateReadme } from '../src/docs/readme.js';

describe('README', () => {
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');

  it('has up-to-date generated sections (run `npm run docs` after changing rules/ or the schema)', async () => {
    expect(readme).toContain('<!-- generated:rules -->');
    expect(readme).toContain('<!-- generated:inventory -->');
    expect(regenerateReadme(readme, (await loadCatalog()).entries)).toBe(readme);
  });

  it('gives the two commands for a fresh clone', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm run test:all');
  });
});
