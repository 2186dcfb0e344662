import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { validateSarif } from '../report/sarif-schema.js';
import {
  exampleYaml,
  exportsRepository,
  PACKAGE_VERSION,
  reportPath,
  runShell,
  type CucmFixture,
  workflowErrors,
} from './recipe.js';

/**
 * The CI gate recipes (examples/ci/): each YAML is validated against the CI system's own definition of
 * its syntax, and the step that runs mra-preflight is run, as written, on a repository of exports made
 * from the fixtures: compliant exports pass, a faulty snapshot fails the job, the reports are written.
 */

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

interface GitLabJob {
  stage: string;
  image: string;
  variables: Record<string, string>;
  before_script: string[];
  script: string[];
  artifacts: { when: string; paths: string[]; reports: { junit: string } };
}

/** What a run of the gate leaves behind. */
async function gate(command: string[], snapshot: CucmFixture, env: Record<string, string> = {}) {
  const repo = exportsRepository(snapshot);
  const run = await runShell(command, repo, env);
  return { repo, run };
}

function junitFailures(file: string): number {
  const match = /<testsuites\b[^>]*\bfailures="(\d+)"/.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} has no <testsuites failures=...>`);
  return Number(match[1]);
}

function sarifResults(file: string): Array<{ ruleId: string; level: string }> {
  const log = JSON.parse(readFileSync(file, 'utf8')) as {
    runs: Array<{ results: Array<{ ruleId: string; level: string }> }>;
  };
  expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
  return log.runs.flatMap((run) => run.results);
}

describe('GitHub Actions: examples/ci/github-actions.yml', () => {
  const workflow = exampleYaml('ci/github-actions.yml') as {
    jobs: Record<string, { env: Record<string, string>; steps: Step[] }>;
    permissions: Record<string, string>;
  };
  const [job] = Object.values(workflow.jobs);
  const steps = job!.steps;
  const gateStep = steps.find((step) => step.run?.includes('mra-preflight check'));
  const command = gateStep?.run ?? '';

  it("is a valid workflow by GitHub's own parser and schema (unknown keys are errors)", () => {
    expect(workflowErrors('ci/github-actions.yml')).toEqual([]);
    // The parser is strict: a misspelt key is an error.
    expect(
      workflowErrors('ci/github-actions.yml', (yaml) => yaml.replace('timeout-minutes:', 'timeout-minute:')),
    ).toEqual([expect.stringContaining("Unexpected value 'timeout-minute'")]);
  });

  it('gates offline and uploads exactly the SARIF file the gate writes, also when the gate failed', () => {
    expect(command).toMatch(/^mra-preflight check --offline /);
    const sarif = reportPath(command, 'sarif');
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe(sarif);
    expect(upload?.if).toBe(`\${{ !cancelled() && hashFiles('${sarif}') != '' }}`);
    expect(workflow.permissions['security-events']).toBe('write');
    const keep = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(keep?.with?.path?.split('\n').filter(Boolean)).toEqual([sarif, reportPath(command, 'junit')]);
    // The installed tarball is the one `npm pack` makes of this version.
    expect(job!.env.MRA_PREFLIGHT_TARBALL).toBe(`tools/mra-preflight-${PACKAGE_VERSION}.tgz`);
  });

  // GitHub runs `run:` with bash -e -o pipefail.
  const runStep = (snapshot: CucmFixture) => gate(['-eo', 'pipefail', '-c', command], snapshot, job!.env);

  it('passes compliant exports and writes a valid SARIF log and a JUnit report', async () => {
    const { repo, run } = await runStep('compliant');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Summary:');
    expect(sarifResults(join(repo, reportPath(command, 'sarif'))).filter((result) => result.level === 'error')).toEqual(
      [],
    );
    expect(junitFailures(join(repo, reportPath(command, 'junit')))).toBe(0);
  });

  it('fails the job on a snapshot whose MRA profile is not Encrypted, with the finding in both reports', async () => {
    const { repo, run } = await runStep('cucm-002-not-encrypted');
    expect(run.code, run.stderr).toBe(1);
    const failing = sarifResults(join(repo, reportPath(command, 'sarif'))).filter((result) => result.level === 'error');
    expect(failing.map((result) => result.ruleId)).toContain('MRA-CUCM-002');
    expect(junitFailures(join(repo, reportPath(command, 'junit')))).toBeGreaterThan(0);
  });

  it('writes no SARIF when the inventory is broken (exit 2), which is why the upload checks hashFiles', async () => {
    const repo = exportsRepository('compliant');
    writeFileSync(join(repo, 'mra-preflight.yaml'), 'domains: [example.com]\nnodez: []\n');
    const run = await runShell(['-eo', 'pipefail', '-c', command], repo, job!.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nodez');
    expect(existsSync(join(repo, reportPath(command, 'sarif')))).toBe(false);
  });
});

describe('GitLab CI: examples/ci/gitlab-ci.yml', () => {
  const pipeline = exampleYaml('ci/gitlab-ci.yml') as { stages: string[] } & Record<string, unknown>;
  const job = pipeline['mra-preflight'] as GitLabJob;
  const command = job.script.find((line) => line.startsWith('mra-preflight check')) ?? '';

  it('uses only documented GitLab CI keywords, with their documented types and values', () => {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, 'gitlab-ci-keywords.schema.json'), 'utf8'),
    ) as object;
    const validate = ajv.compile(schema);
    expect(validate(pipeline), JSON.stringify(validate.errors)).toBe(true);
    expect(pipeline.stages).toContain(job.stage);
    // The schema is strict: a misspelt keyword or a wrong value fails.
    const misspelt = structuredClone(pipeline);
    const artifacts = (misspelt['mra-preflight'] as GitLabJob).artifacts as unknown as Record<string, unknown>;
    artifacts.expires_in = artifacts.expire_in;
    delete artifacts.expire_in;
    expect(validate(misspelt)).toBe(false);
    const wrongWhen = structuredClone(pipeline);
    (wrongWhen['mra-preflight'] as GitLabJob).artifacts.when = 'on_failed';
    expect(validate(wrongWhen)).toBe(false);
  });

  it('gates offline, keeps both reports even when the job fails, and feeds JUnit to the merge request', () => {
    expect(command).toMatch(/^mra-preflight check --offline /);
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.reports.junit).toBe(reportPath(command, 'junit'));
    expect(job.artifacts.paths).toEqual([reportPath(command, 'sarif'), reportPath(command, 'junit')]);
    expect(job.variables.MRA_PREFLIGHT_TARBALL).toBe(`tools/mra-preflight-${PACKAGE_VERSION}.tgz`);
    expect(job.image).toMatch(/^node:(22|24)-/);
  });

  // The runner stops at the first failing line of `script`.
  const runScript = (snapshot: CucmFixture) => gate(['-e', '-c', job.script.join('\n')], snapshot, job.variables);

  it('passes compliant exports and fails on a faulty snapshot, as written in script:', async () => {
    const good = await runScript('compliant');
    expect(good.run.code, good.run.stderr).toBe(0);
    expect(junitFailures(join(good.repo, job.artifacts.reports.junit))).toBe(0);
    const bad = await runScript('cucm-003-not-tls');
    expect(bad.run.code, bad.run.stderr).toBe(1);
    expect(junitFailures(join(bad.repo, job.artifacts.reports.junit))).toBeGreaterThan(0);
    expect(sarifResults(join(bad.repo, reportPath(command, 'sarif'))).map((result) => result.ruleId)).toContain(
      'MRA-CUCM-003',
    );
  });
});
