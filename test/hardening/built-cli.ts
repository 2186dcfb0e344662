import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BuiltCli {
  main: string;
  remove(): void;
}

/**
 * Compiles the CLI the way `npm run build` does (tsconfig.build.json), into a private folder under
 * .tmp/ so that tests do not race other engineers' builds of dist/. The package root is found by
 * walking up to package.json, so rules/ and schema/ resolve exactly as for dist/.
 */
export function buildCli(): BuiltCli {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  const outDir = mkdtempSync(join(REPO_ROOT, '.tmp', 'hardening-cli-'));
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  const main = join(outDir, 'src', 'cli', 'main.js');
  // tsc emits even when a file elsewhere in the tree is mid-edit; the CLI itself must exist.
  if (!existsSync(main)) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
  return { main, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  main: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A V8 stack frame as printed by error.stack. */
export const STACK_FRAME = /^\s+at .+[:(]/m;
