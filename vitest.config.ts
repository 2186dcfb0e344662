import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * Test helpers that start a system program the test script installs with apt (BIND9, chronyd,
 * coturn, Chromium). A test file that reaches one of them, directly or through other test modules,
 * is a "system" test; every other file is a "unit" test (pure Node: loopback peers written in
 * TypeScript, the built CLI, the embedded lab). scripts/test-all.sh runs both projects on the
 * machine's Node and only "unit" on Node 22 and 24 (SPEC 8.10). A new test file is classified by
 * what it imports, so the selection cannot go stale as tests are added.
 */
const SYSTEM_HELPERS = [
  'test/helpers/bind.ts',
  'test/helpers/chrony.ts',
  'test/helpers/coturn.ts',
  'test/report/browser.ts',
];

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a test module that stay inside test/ (product code starts no daemon). */
function localImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(IMPORT)]
    .map((match) => resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts')))
    .filter((path) => path.startsWith(join(ROOT, 'test')) && existsSync(path));
}

function systemTestFiles(): string[] {
  const files = testFiles(join(ROOT, 'test'));
  const reaches = new Map<string, boolean>();
  const visit = (file: string, path: Set<string>): boolean => {
    const known = reaches.get(file);
    if (known !== undefined) return known;
    if (SYSTEM_HELPERS.includes(relative(ROOT, file))) return true;
    if (path.has(file)) return false;
    path.add(file);
    const result = localImports(file).some((imported) => visit(imported, path));
    path.delete(file);
    reaches.set(file, result);
    return result;
  };
  return files
    .filter((file) => file.endsWith('.test.ts') && visit(file, new Set()))
    .map((file) => relative(ROOT, file));
}

const system = systemTestFiles();

/**
 * @actions/workflow-parser (the GitHub Actions recipes' validator) imports its JSON schema without an
 * import attribute, which Node refuses, so Vite transforms it (server.deps.inline). Its files point
 * at source maps whose sources the package does not ship; loading them without the comment keeps
 * Vite from warning about every file.
 */
const WORKFLOW_PARSER = `${join('node_modules', '@actions', 'workflow-parser', 'dist')}/`;
const workflowParserWithoutSourceMaps = {
  name: 'workflow-parser-without-source-maps',
  enforce: 'pre' as const,
  load(id: string): string | undefined {
    if (!id.includes(WORKFLOW_PARSER) || !id.endsWith('.js')) return undefined;
    return readFileSync(id, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
  },
};

export default defineConfig({
  plugins: [workflowParserWithoutSourceMaps],
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: system } },
      ...(system.length > 0 ? [{ extends: true as const, test: { name: 'system', include: system } }] : []),
    ],
  },
});
