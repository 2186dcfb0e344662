import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildCli, runCli, STACK_FRAME, type BuiltCli } from '../hardening/built-cli.js';

/**
 * SPEC section 2: a run that cannot start exits 2 with one clear message per problem, naming the
 * file and the JSON path of the bad value, and never a stack trace (unless --debug). Run against
 * the built CLI, as a user or a CI job would.
 */
let cli: BuiltCli;
let dir: string;

beforeAll(() => {
  cli = buildCli();
  dir = mkdtempSync(join(tmpdir(), 'mra-preflight-cli-fuzz-'));
}, 180_000);

afterAll(() => {
  cli?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Exit 2, no stack trace, no internal error, and every stderr line is `mra-preflight: <file>: $...`. */
async function expectInputRejected(file: string, extra: readonly string[] = []): Promise<string[]> {
  const result = await runCli(cli.main, ['check', '-i', file, '--offline', ...extra]);
  expect(result.code).toBe(2);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/Warning/);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('mra-preflight: '));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line.startsWith(`mra-preflight: ${file}: $`)).toBe(true);
  return lines;
}

describe('check -i <bad inventory> (built CLI)', () => {
  it("reports a typo'd key, a bad port and a missing domains list as three messages, exit 2", async () => {
    const file = write(
      'three-problems.yaml',
      ['dns:', '  internal: ["10.1.1.53:99999"]', 'ntp:', '  server: ["10.1.1.123"]   # typo: servers', ''].join('\n'),
    );
    const lines = await expectInputRejected(file);
    expect(lines).toHaveLength(3);
    expect(lines).toContainEqual(expect.stringMatching(/: \$\.domains: .*required/));
    expect(lines).toContainEqual(expect.stringMatching(/: \$\.ntp\.server: unknown key/));
    expect(lines).toContainEqual(expect.stringMatching(/: \$\.dns\.internal\[0\]: .*99999/));
  });

  it('reports a YAML syntax error with its line, exit 2', async () => {
    const lines = await expectInputRejected(write('syntax.yaml', 'domains: [example.com\nnodes:\n  - fqdn: a\n'));
    expect(lines.join('\n')).toMatch(/syntax error at line \d+/);
  });

  it('reports a missing inventory file, exit 2', async () => {
    const lines = await expectInputRejected(join(dir, 'does-not-exist.yaml'));
    expect(lines.join('\n')).toContain('file not found');
  });

  it('rejects deep nesting, alias bombs and binary junk without a stack trace, exit 2', async () => {
    await expectInputRejected(write('deep.yaml', `domains: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`));
    const bomb = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++)
      bomb.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    await expectInputRejected(write('bomb.yaml', `${bomb.join('\n')}\ndomains: *a9\n`));
    await expectInputRejected(write('collection-key.yaml', '? [a, b]\n: 1\n? {c: d}\n: 2\ndomains: [example.com]\n'));
    await expectInputRejected(write('junk.yaml', '\u0000\u0001\u00ff\ufffe{{{:::\n\t- ['));
    await expectInputRejected(
      write('huge.yaml', stringify({ domains: ['example.com'], dns: { internal: [`${':'.repeat(300_000)}!`] } })),
    );
  });

  it('rejects random wrong-typed inventories with exit 2 and located messages', async () => {
    const wrong = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.string({ maxLength: 10 }),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.constant({ x: 1 }),
    );
    const inventory = fc.record(
      {
        domains: fc.oneof(wrong, fc.constant(['example.com'])),
        dns: fc.record({
          internal: fc.oneof(
            wrong,
            fc.array(fc.oneof(fc.constant('10.1.1.53:0'), fc.string({ maxLength: 8 })), { maxLength: 2 }),
          ),
        }),
        nodes: fc.array(
          fc.record({
            fqdn: fc.oneof(wrong, fc.constant('a.example.com')),
            role: fc.oneof(wrong, fc.constant('cucm-pulisher')),
          }),
          { maxLength: 2 },
        ),
        // clusters is always invalid, so every generated inventory must be rejected.
        clusters: fc.oneof(
          fc.integer({ min: -5, max: 0 }),
          fc.constant(null),
          fc.boolean(),
          fc.string({ maxLength: 4 }),
          fc.constant(1.5),
        ),
      },
      { requiredKeys: ['clusters'] },
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(inventory, fc.boolean(), async (data, asJson) => {
        const file = write(
          `random-${n++}.${asJson ? 'json' : 'yaml'}`,
          asJson ? JSON.stringify(data) : stringify(data),
        );
        await expectInputRejected(file);
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('rejects a bad snapshot file and a bad BAT export with exit 2, naming the file and the location', async () => {
    const snapshot = write('bad-snapshot.json', JSON.stringify({ version: '15', phones: [{ name: 5 }] }));
    const bat = write(
      'bad-phones.csv',
      'Device Name,Device Pool,Device Type,Device Security Profile\nSEP001122334455,MRA_DP\n',
    );
    for (const [key, file, location] of [
      ['snapshot', snapshot, /\$\.phones\[0\]\.name/],
      ['batPhones', bat, /line 2/],
    ] as const) {
      const inventory = write(
        `with-${key}.yaml`,
        stringify({ domains: ['example.com'], cucm: { [key]: file, mraDevicePools: ['MRA_DP'] } }),
      );
      const result = await runCli(cli.main, ['check', '-i', inventory, '--offline']);
      expect(result.code, key).toBe(2);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.stderr).toContain(`mra-preflight: ${file}: `);
      expect(result.stderr).toMatch(location);
      expect(result.stdout).toBe('');
    }
  });

  it('rejects bad flags with exit 2 and a message, never a timer overflow or a stack trace', async () => {
    const file = write('flags.yaml', 'domains: [example.com]\n');
    for (const flags of [
      ['--timeout', '300000000'],
      ['--timeout', '-5'],
      ['--timeout', 'soon'],
      ['--concurrency', '0'],
      ['--concurrency', '2.5'],
      ['--fail-on', 'fatal'],
      ['--report', 'pdf'],
      ['--as-of', 'yesterday'],
      ['--only', 'MRA-XXX-999'],
      ['--skip', 'no-such-rule'],
      ['--baseline', join(dir, 'no-baseline.json')],
    ]) {
      const result = await runCli(cli.main, ['check', '-i', file, '--offline', ...flags]);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr, flags.join(' ')).not.toMatch(STACK_FRAME);
      expect(result.stderr, flags.join(' ')).not.toMatch(/Warning|internal error/);
      expect(result.stderr.trim(), flags.join(' ')).not.toBe('');
      expect(result.stdout).toBe('');
    }
  }, 60_000);

  it('keeps input problems as plain messages under --debug', async () => {
    const file = write('debug.yaml', 'domains: 42\n');
    const result = await runCli(cli.main, ['check', '-i', file, '--offline', '--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: $.domains: must be array`);
  });
});
