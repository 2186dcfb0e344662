import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/engine/catalog.js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'mra-cli-'));

describe('mra-preflight CLI', () => {
  it('prints its version and help with examples', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('mra-preflight check --offline');
    const checkHelp = await runCli(['check', '--help']);
    expect(checkHelp.stdout).toContain('--fail-on');
    expect(checkHelp.stdout).toContain('--as-of');
  });

  it('lists every rule of the registry as JSON with slugs and severities', async () => {
    const result = await runCli(['rules', '--json']);
    expect(result.code).toBe(0);
    const rules = JSON.parse(result.stdout) as Array<{ id: string; slug: string; severity: string }>;
    const registry = (await loadCatalog()).entries;
    expect(rules.map((rule) => rule.id)).toEqual(registry.map((rule) => rule.id));
    expect(rules.find((rule) => rule.id === 'MRA-DNS-002')).toMatchObject({
      slug: 'uds-srv-not-external',
      severity: 'error',
    });
    const text = await runCli(['rules']);
    expect(text.stdout.trim().split('\n')).toHaveLength(registry.length);
  });

  it('explains a rule by id or slug; an unknown rule exits 2', async () => {
    const byId = await runCli(['explain', 'MRA-CUCM-005']);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain('tftp-encryption-exclusion');
    expect(byId.stdout).toContain('Source:');
    const bySlug = await runCli(['explain', 'tftp-encryption-exclusion']);
    expect(bySlug.stdout).toBe(byId.stdout);
    const unknown = await runCli(['explain', 'MRA-NOPE-001']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule "MRA-NOPE-001"');
  });

  it('exits 2 on a bad inventory with one message per problem and no stack trace', async () => {
    const dir = temp();
    const file = join(dir, 'inv.yaml');
    writeFileSync(file, 'dns:\n  internal: ["10.1.1.53:99999"]\n  externel: ["198.51.100.53"]\n');
    const result = await runCli(['check', '-i', file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      `mra-preflight: ${file}: $.domains: is required`,
      `mra-preflight: ${file}: $.dns.externel: unknown key (not in the schema; check the spelling)`,
      `mra-preflight: ${file}: $.dns.internal[0]: "10.1.1.53:99999" has port 99999, outside 1-65535`,
    ]);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('exits 2 on bad flags: unknown option, unknown rule, bad format, bad date', async () => {
    const dir = temp();
    const file = join(dir, 'inv.yaml');
    writeFileSync(file, 'domains: [example.com]\n');
    const cases: Array<[string[], RegExp]> = [
      [['check', '--bogus'], /unknown option '--bogus'/],
      [['check', '-i', file, '--only', 'MRA-DNS-999'], /--only MRA-DNS-999: unknown rule/],
      [['check', '-i', file, '--report', 'pdf'], /unknown format "pdf"/],
      [['check', '-i', file, '--as-of', 'tomorrow'], /--as-of tomorrow: expected an ISO 8601 date/],
      [['check', '-i', file, '--fail-on', 'fatal'], /Allowed choices are error, warning, info/],
      [['check', '-i', join(dir, 'missing.yaml')], /missing\.yaml: \$: file not found/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('exits 2 when the CUCM snapshot or BAT export named by the inventory is invalid', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'snap.json'), JSON.stringify({ version: '15.0', phones: 'none' }));
    writeFileSync(
      join(dir, 'inv.yaml'),
      'domains: [example.com]\ncucm: { snapshot: snap.json, mraDevicePools: [MRA_DP] }\n',
    );
    const result = await runCli(['check', '-i', join(dir, 'inv.yaml'), '--offline']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'snap.json')}: $.phones`);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('demo refuses an unusable report folder before starting the lab', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'file'), '');
    const result = await runCli(['demo', '--out', join(dir, 'file', 'reports')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot (create|be used as) the report folder|cannot be used as a report folder/);
    expect(result.stderr).not.toContain('Starting the embedded lab');
  });

  it('init writes a template that check accepts, and refuses to overwrite', async () => {
    const dir = temp();
    const file = join(dir, 'mra-preflight.yaml');
    const init = await runCli(['init', '-o', file]);
    expect(init.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('# Enterprise / UC domains');
    const again = await runCli(['init', '-o', file]);
    expect(again.code).toBe(2);
    const nowhere = await runCli(['init', '-o', join(dir, 'missing', 'inv.yaml')]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('its folder does not exist');
    expect(nowhere.stderr).not.toContain('internal error');
    // Offline: nothing of the template's network targets is contacted; the run starts and reports.
    const check = await runCli(['check', '-i', file, '--offline', '--report', 'json', '--only', 'hostname-syntax,exp']);
    expect(check.code, check.stderr).not.toBe(2);
    const report = JSON.parse(check.stdout) as { offline: boolean };
    expect(report.offline).toBe(true);
  });
});
