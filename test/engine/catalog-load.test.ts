import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { BUILT_CATALOG, catalogEntries, loadCatalog, RULES_DIR } from '../../src/engine/catalog.js';

/**
 * Loading the catalog where the file system says otherwise: no dist/catalog.json (a source checkout
 * before `npm run build`), and prose the modules do not match. node:fs is wrapped, not replaced.
 */
const fsState = vi.hoisted(() => ({ hideBuiltCatalog: false, proseFiles: undefined as string[] | undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: Parameters<typeof fs.readFileSync>[0], ...rest: unknown[]) => {
    if (fsState.hideBuiltCatalog && String(path).endsWith('catalog.json')) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${String(path)}'`), { code: 'ENOENT' });
    }
    return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  const readdirSync = ((path: Parameters<typeof fs.readdirSync>[0], ...rest: unknown[]) => {
    if (fsState.proseFiles && String(path) === RULES_DIR_OF_TEST) return fsState.proseFiles;
    if (fsState.proseFiles && /[/\\]src[/\\]checks[/\\]?$/.test(String(path))) return [];
    return (fs.readdirSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readdirSync;
  const RULES_DIR_OF_TEST = `${process.cwd()}/rules`;
  return { ...fs, default: { ...fs, readFileSync, readdirSync }, readFileSync, readdirSync };
});

fsState.hideBuiltCatalog = true;
const withoutBuild = await catalogEntries();
fsState.hideBuiltCatalog = false;

describe('catalogEntries', () => {
  it('reads dist/catalog.json when the build wrote it', async () => {
    expect(RULES_DIR).toBe(`${process.cwd()}/rules`);
    expect(await catalogEntries()).toEqual(JSON.parse(readFileSync(BUILT_CATALOG, 'utf8')));
  });

  it('falls back to the rule modules and their prose without it', async () => {
    const catalog = await loadCatalog();
    expect(withoutBuild).toBe(catalog.entries);
    expect(withoutBuild.map((entry) => entry.id)).toEqual([...catalog.modules.keys()]);
  });
});

describe('loadCatalog', () => {
  it('loads once per process: every caller gets the same promise', () => {
    expect(loadCatalog()).toBe(loadCatalog());
    expect(loadCatalog()).toBeInstanceOf(Promise);
  });

  it('refuses to load a catalog whose prose names a rule no module declares, naming each problem', async () => {
    fsState.proseFiles = ['MRA-DNS-998.yaml', 'README.md', 'MRA-DNS-999.yaml'];
    try {
      vi.resetModules();
      const fresh = await import('../../src/engine/catalog.js');
      const refused = await fresh.loadCatalog().then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(refused).toBeInstanceOf(fresh.CatalogError);
      expect(refused?.name).toBe('CatalogError');
      expect(refused?.message).toBe(
        'the rule catalog is inconsistent:\n' +
          'rules/MRA-DNS-998.yaml: no rule module declares MRA-DNS-998\n' +
          'rules/MRA-DNS-999.yaml: no rule module declares MRA-DNS-999',
      );
    } finally {
      fsState.proseFiles = undefined;
    }
  });
});
