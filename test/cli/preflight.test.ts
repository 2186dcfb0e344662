import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configurationProblems } from '../../src/checks/services.js';
import { runCli } from '../helpers/cli.js';
import { fixtureInventory } from '../helpers/check.js';

/** SPEC 8.3: configuration mistakes stop the run before it starts, one line each, never as findings. */
describe('configuration checked before the scan (SPEC 8.3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mra-preflight-'));
  const inventoryFile = join(dir, 'mra-preflight.yaml');
  writeFileSync(
    inventoryFile,
    [
      'domains: [example.com]',
      'nodes:',
      '  - { fqdn: cucm-pub.example.com, role: cucm-publisher }',
      '  - { fqdn: expe.example.com, role: expressway-e,',
      '      status: { url: "https://expe.example.com/status.xml", usernameEnv: EXP_USER, passwordEnv: EXP_PASS } }',
      'certificates:',
      '  - { node: cucm-pub.example.com, service: tomcat, file: certs/missing.pem }',
      'cucm:',
      '  axl: { url: "https://cucm-pub.example.com:8443/axl/", usernameEnv: AXL_USER, passwordEnv: AXL_PASS, caFile: certs/root.pem }',
      '  mraDevicePools: [MRA_DP]',
      'edge:',
      '  turn: [{ server: "expe.example.com:3478", usernameEnv: TURN_USER, passwordEnv: TURN_PASS }]',
      '',
    ].join('\n'),
  );

  it('lists every missing secret and unreadable file with the file and JSON path, exit 2, no scan', async () => {
    const result = await runCli(['check', '-i', inventoryFile, '--vantage', 'both'], {
      env: { AXL_USER: 'axladmin', AXL_PASS: '', EXP_USER: 'admin' },
    });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n').sort();
    expect(lines).toEqual(
      [
        `mra-preflight: ${inventoryFile}: $.certificates[0].file: certificate file ${join(dir, 'certs/missing.pem')} does not exist`,
        `mra-preflight: ${inventoryFile}: $.cucm.axl.caFile: caFile ${join(dir, 'certs/root.pem')} does not exist`,
        `mra-preflight: ${inventoryFile}: $.cucm.axl.passwordEnv: environment variable AXL_PASS is not set or empty: export it before the run`,
        `mra-preflight: ${inventoryFile}: $.edge.turn[0].passwordEnv: environment variable TURN_PASS is not set or empty: export it before the run`,
        `mra-preflight: ${inventoryFile}: $.edge.turn[0].usernameEnv: environment variable TURN_USER is not set or empty: export it before the run`,
        `mra-preflight: ${inventoryFile}: $.nodes[1].status.passwordEnv: environment variable EXP_PASS is not set or empty: export it before the run`,
      ].sort(),
    );
    expect(result.stdout).toBe('');
  });

  it('asks only for what the selected rules and vantage need', () => {
    const inventory = fixtureInventory({
      inventory: {
        domains: ['example.com'],
        cucm: { axl: { url: 'https://cucm.example.com:8443/axl/', usernameEnv: 'U', passwordEnv: 'P' } },
        edge: { turn: [{ server: 'expe.example.com:3478', usernameEnv: 'TU', passwordEnv: 'TP' }] },
      },
    });
    const env = {};
    expect(configurationProblems(inventory, new Set(['dns.internal']), { offline: false, env })).toEqual([]);
    expect(configurationProblems(inventory, new Set(['cucm.phones']), { offline: true, env })).toEqual([]);
    expect(
      configurationProblems(inventory, new Set(['cucm.phones']), { offline: false, env }).map((p) => p.path),
    ).toEqual(['$.cucm.axl.usernameEnv', '$.cucm.axl.passwordEnv']);
    expect(configurationProblems(inventory, new Set(['turn']), { offline: false, env }).map((p) => p.path)).toEqual([
      '$.edge.turn[0].usernameEnv',
      '$.edge.turn[0].passwordEnv',
    ]);
  });

  it('lets a scan that needs none of it run: --offline with only DNS rules', async () => {
    const result = await runCli(['check', '-i', inventoryFile, '--offline', '--only', 'MRA-DNS-007', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
  });
});
