import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package/root.js';

/**
 * What a user gets from `npm pack` + `npm install <tarball>`: the README's install path. The pack
 * runs in a copy of the working tree so that its `prepack` build cannot rewrite the dist/ that the
 * other CLI tests are executing; dependencies come from the npm registry through the local npm cache.
 */

interface Run {
  code: number | null;
  output: string;
}

/** Names npm sets for scripts it runs; a child npm must not inherit the parent's configuration. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  // The Node under test runs npm, the bin shim (#!/usr/bin/env node) and the CLI.
  env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
  // Node 22 and later warn on stderr when NO_COLOR and FORCE_COLOR are both set.
  delete env.FORCE_COLOR;
  return { ...env, NO_COLOR: '1' };
};

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Not part of a clean clone: build output, installed packages, reports and caches. */
const NOT_IN_A_CLONE = new Set([
  'node_modules',
  'dist',
  '.git',
  '.cache',
  'test-results',
  'coverage',
  'mra-preflight-report',
  '.tmp',
]);

const work = mkdtempSync(join(tmpdir(), 'mra-package-'));
const tree = join(work, 'tree');
const project = join(work, 'project');
let tarball = '';
let packed: string[] = [];
let install: Run;

beforeAll(async () => {
  cpSync(PACKAGE_ROOT, tree, {
    recursive: true,
    filter: (source) => !NOT_IN_A_CLONE.has(relative(PACKAGE_ROOT, source).split(/[\\/]/)[0] ?? ''),
  });
  // The build tools of the working tree; npm ci again would only cost time.
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], tree, 240_000);
  expect(pack.code, pack.output).toBe(0);
  const json = pack.output.slice(pack.output.indexOf('\n[') + 1);
  const [entry] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, basename(entry!.filename));
  packed = entry!.files.map((file) => file.path);

  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tarball-user', private: true }));
  install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project, 300_000);
}, 600_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds what the CLI needs at run time, and no sources, tests or install scripts', () => {
    const rules = readdirSync(join(PACKAGE_ROOT, 'rules')).filter((file) => file.endsWith('.yaml'));
    expect(packed).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/src/cli/main.js',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/lab/index.js',
        'schema/inventory.schema.json',
        'schema/report.schema.json',
        ...rules.map((file) => `rules/${file}`),
      ]),
    );
    expect(packed.filter((path) => /^(src|lab|test|bench|fixtures|dist\/test|dist\/bench)\//.test(path))).toEqual([]);
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', 'mra-preflight', 'package.json'), 'utf8'),
    ) as {
      scripts: Record<string, string>;
    };
    // npm 11 warns about install-time scripts of a tarball dependency (allowScripts); prepack builds instead.
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(manifest.scripts).not.toHaveProperty(script);
  });

  it('installs into a fresh project without a single npm warning', () => {
    expect(install.code, install.output).toBe(0);
    expect(install.output).not.toMatch(/npm warn/i);
  });

  it('runs the installed mra-preflight: --version and demo', async () => {
    const bin = join(project, 'node_modules', '.bin', 'mra-preflight');
    const version = await run(bin, ['--version'], project, 30_000);
    expect(version.code, version.output).toBe(0);
    const { version: expected } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.output.trim()).toBe(expected);

    const out = join(work, 'demo');
    const demo = await run(bin, ['demo', '--out', out], project, 180_000);
    expect(demo.code, demo.output).toBe(0);
    for (const file of ['report.json', 'report.html', 'report.sarif', 'report.junit.xml', 'lab-inventory.yaml']) {
      expect(existsSync(join(out, file)), file).toBe(true);
      expect(demo.output).toContain(file);
    }
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      summary: { pass: number; fail: number };
    };
    expect(report.summary.pass).toBeGreaterThan(0);
    expect(report.summary.fail).toBeGreaterThan(0);
  }, 240_000);
});
