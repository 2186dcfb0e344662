import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCHEMA_COPY } from '../../src/cli/init.js';
import { schemaPath } from '../../src/inventory/validate.js';
import { runCli } from '../helpers/cli.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'mra-init-'));

/** The `$schema=` of the yaml-language-server modeline (the template's first line). */
function modeline(file: string): string {
  const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
  const match = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
  if (!match) throw new Error(`${file} starts with ${first}, not a yaml-language-server modeline`);
  return match[1]!;
}

const packagedSchema = (): string => readFileSync(schemaPath('inventory.schema.json'), 'utf8');

describe('mra-preflight init: the $schema reference survives being committed', () => {
  it('copies the schema next to the inventory and names it relatively; the pair still resolves after a move', async () => {
    const repo = temp();
    mkdirSync(join(repo, 'site-a'));
    const file = join(repo, 'site-a', 'mra-preflight.yaml');
    const init = await runCli(['init', '-o', file]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain(SCHEMA_COPY);
    expect(modeline(file)).toBe(`./${SCHEMA_COPY}`);
    expect(readFileSync(join(repo, 'site-a', SCHEMA_COPY), 'utf8')).toBe(packagedSchema());

    // A checkout somewhere else (another clone, a CI runner): the reference resolves against the file.
    const elsewhere = join(temp(), 'checkout');
    renameSync(repo, elsewhere);
    const moved = join(elsewhere, 'site-a', 'mra-preflight.yaml');
    const target = resolve(dirname(moved), modeline(moved));
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ $schema: expect.any(String) });

    // SPEC 8.3: the template as written is accepted by check --offline, every rule selected.
    const check = await runCli(['check', '-i', moved, '--offline', '--report', 'json']);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ offline: true });
  });

  it('writes a path or URL given with --schema as it is, and copies nothing', async () => {
    const dir = temp();
    const url = join(dir, 'url.yaml');
    const byUrl = await runCli([
      'init',
      '-o',
      url,
      '--schema',
      'https://schemas.example.net/mra-preflight/inventory.json',
    ]);
    expect(byUrl.code, byUrl.stderr).toBe(0);
    expect(modeline(url)).toBe('https://schemas.example.net/mra-preflight/inventory.json');
    const byPath = await runCli(['init', '-o', join(dir, 'path.yaml'), '--schema', '../schemas/inventory.schema.json']);
    expect(byPath.code, byPath.stderr).toBe(0);
    expect(modeline(join(dir, 'path.yaml'))).toBe('../schemas/inventory.schema.json');
    expect(existsSync(join(dir, SCHEMA_COPY))).toBe(false);
    // The modeline is a comment: the rest of the template is unchanged and parses to the same inventory.
    expect(parse(readFileSync(url, 'utf8'))).toEqual(parse(readFileSync(join(dir, 'path.yaml'), 'utf8')));
  });

  it('keeps an identical copy, refuses to replace a different one without --force', async () => {
    const dir = temp();
    const copy = join(dir, SCHEMA_COPY);
    expect((await runCli(['init', '-o', join(dir, 'one.yaml')])).code).toBe(0);
    expect((await runCli(['init', '-o', join(dir, 'two.yaml')])).code).toBe(0);
    writeFileSync(copy, '{"title":"an older schema"}');
    const refused = await runCli(['init', '-o', join(dir, 'three.yaml')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${copy} exists and is not this version's inventory schema`);
    expect(existsSync(join(dir, 'three.yaml'))).toBe(false);
    const forced = await runCli(['init', '-o', join(dir, 'three.yaml'), '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(copy, 'utf8')).toBe(packagedSchema());
  });

  it('refuses an empty or multi-line --schema (it would break the modeline)', async () => {
    const dir = temp();
    for (const schema of ['', 'a\nb']) {
      const result = await runCli(['init', '-o', join(dir, 'inv.yaml'), '--schema', schema]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--schema needs a path or URL on one line');
    }
    expect(existsSync(join(dir, 'inv.yaml'))).toBe(false);
  });
});
