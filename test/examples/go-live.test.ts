import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, exampleYaml, PACKAGE_VERSION, readExample, workflowErrors } from './recipe.js';

/**
 * The go-live run from inside and outside (examples/go-live/), written to SPEC 8.7's syntax:
 * `check --vantage internal|external` and `merge A.json B.json`. What can be checked before those
 * exist is checked here: the scripts parse, the GitHub workflow for the outside view is valid, and the
 * three command lines hand their files to one another.
 */

const SCRIPTS = ['inside.sh', 'outside.sh', 'merge.sh'];

/** The mra-preflight command line of a go-live script (one per script). */
function commandOf(script: string): string[] {
  const lines = readExample(join('go-live', script))
    .split('\n')
    .filter((line) => line.startsWith('mra-preflight '));
  expect(lines, script).toHaveLength(1);
  return lines[0]!.split(/\s+/);
}

const flagValue = (words: string[], flag: string): string[] =>
  words.flatMap((word, i) => (word === flag && words[i + 1] !== undefined ? [words[i + 1]!] : []));

describe('examples/go-live', () => {
  it.each(SCRIPTS)('%s is valid bash', (script) => {
    const result = spawnSync('bash', ['-n', join(EXAMPLES, 'go-live', script)], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  });

  it('checks from inside and outside with the same inventory, then merges exactly those two reports', () => {
    const inside = commandOf('inside.sh');
    const outside = commandOf('outside.sh');
    const merge = commandOf('merge.sh');
    expect(inside.slice(0, 2)).toEqual(['mra-preflight', 'check']);
    expect(flagValue(inside, '--vantage')).toEqual(['internal']);
    expect(flagValue(outside, '--vantage')).toEqual(['external']);
    expect(flagValue(inside, '-i')).toEqual(flagValue(outside, '-i'));
    const json = (words: string[]) => flagValue(words, '--report').filter((value) => value.startsWith('json='));
    const [insideJson] = json(inside).map((value) => value.slice('json='.length));
    const [outsideJson] = json(outside).map((value) => value.slice('json='.length));
    expect(merge.slice(0, 4)).toEqual(['mra-preflight', 'merge', insideJson, outsideJson]);
    expect(flagValue(merge, '--report')).toContain('html=go-live.html');
  });

  it('runs the outside view from a GitHub-hosted runner with a valid workflow that keeps outside.json', () => {
    expect(workflowErrors('go-live/outside-github-actions.yml')).toEqual([]);
    const workflow = exampleYaml('go-live/outside-github-actions.yml') as {
      jobs: Record<
        string,
        { env: Record<string, string>; steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }> }
      >;
    };
    const job = Object.values(workflow.jobs)[0]!;
    expect(job.steps.some((step) => step.run === 'bash go-live/outside.sh mra-preflight.yaml')).toBe(true);
    const keep = job.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    const outsideJson = flagValue(commandOf('outside.sh'), '--report').find((value) => value.startsWith('json='))!;
    expect(keep?.with?.path).toBe(outsideJson.slice('json='.length));
    expect(job.env.MRA_PREFLIGHT_TARBALL).toBe(`tools/mra-preflight-${PACKAGE_VERSION}.tgz`);
  });
});
