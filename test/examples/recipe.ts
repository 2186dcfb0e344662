import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parse, parseAllDocuments } from 'yaml';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import { CLI } from '../helpers/cli.js';

/**
 * Running the recipes of examples/ as a user's machine would: the command lines are read from the
 * example files, never retyped here, and `mra-preflight` on PATH is the CLI this repository builds.
 */

export const EXAMPLES = join(PACKAGE_ROOT, 'examples');
export const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

export const readExample = (path: string): string => readFileSync(join(EXAMPLES, path), 'utf8');
export const exampleYaml = (path: string): Record<string, unknown> =>
  parse(readExample(path)) as Record<string, unknown>;
export const exampleYamlDocuments = (path: string): Array<Record<string, unknown>> =>
  parseAllDocuments(readExample(path)).map((document) => document.toJSON() as Record<string, unknown>);

/** A folder whose `mra-preflight` runs the built CLI on the Node running the tests. */
function shimFolder(): string {
  const bin = mkdtempSync(join(tmpdir(), 'mra-shim-'));
  const shim = join(bin, 'mra-preflight');
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(shim, 0o755);
  return bin;
}

let shim: string | undefined;

export interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a shell script (GitHub's `bash -eo pipefail`, or a file with its arguments) in `cwd`. */
export function runShell(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<ShellRun> {
  shim ??= shimFolder();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${shim}${delimiter}${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    NO_COLOR: '1',
    ...env,
  };
  // Node 22 and later warn on stderr when NO_COLOR and FORCE_COLOR are both set.
  delete childEnv.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', ...args], {
      cwd,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export type CucmFixture = 'compliant' | 'cucm-002-not-encrypted' | 'cucm-003-not-tls';

/**
 * A repository of committed exports as examples/ci/ describes it: the example inventory at its root
 * and a CUCM snapshot from the repository's fixtures in exports/.
 */
export function exportsRepository(snapshot: CucmFixture): string {
  const repo = mkdtempSync(join(tmpdir(), 'mra-recipe-'));
  cpSync(join(EXAMPLES, 'ci', 'mra-preflight.yaml'), join(repo, 'mra-preflight.yaml'));
  useSnapshot(repo, snapshot);
  return repo;
}

export function useSnapshot(repo: string, snapshot: CucmFixture): void {
  const source =
    snapshot === 'compliant'
      ? join('fixtures', 'cucm', 'compliant.json')
      : join('fixtures', 'cucm', 'faults', `${snapshot}.json`);
  mkdirSync(join(repo, 'exports'), { recursive: true });
  cpSync(join(PACKAGE_ROOT, source), join(repo, 'exports', 'cucm-snapshot.json'));
}

/** The value of `--report FORMAT=PATH` in a command line. */
export function reportPath(command: string, format: string): string {
  const match = new RegExp(`--report\\s+${format}=(\\S+)`).exec(command);
  if (!match) throw new Error(`no --report ${format}=PATH in: ${command}`);
  return match[1]!;
}

/**
 * Errors of a GitHub Actions workflow by GitHub's own parser and workflow schema (@actions/workflow-parser,
 * what GitHub's editor tooling uses): unknown keys, wrong types, missing required keys.
 */
export function workflowErrors(path: string, edit: (content: string) => string = (content) => content): string[] {
  const result = parseWorkflow({ name: path, content: edit(readExample(path)) }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((error) => error.message);
}
