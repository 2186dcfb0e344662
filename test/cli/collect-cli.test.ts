import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { AXL_FAILURES } from '../../lab/axl-server.js';
import type { CucmSnapshot } from '../../src/cucm/snapshot.js';
import { AXL_ENV, AXL_PASSWORD, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

let axl: TestAxl | undefined;
afterEach(async () => {
  await axl?.stop();
  axl = undefined;
});

describe('mra-preflight collect (built CLI, separate process)', () => {
  it('collects over AXL into a snapshot that check --offline reads; 401 exits 2 without a stack or the password', async () => {
    axl = await startTestAxl(sampleCluster());
    const inventory = join(axl.dir, 'mra-preflight.yaml');
    writeFileSync(
      inventory,
      stringify({
        domains: ['example.com'],
        nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
        cucm: { axl: axl.axl, snapshot: 'snapshot.json', mraDevicePools: ['MRA_DP'] },
      }),
    );
    const ok = await runCli(['collect', '-i', inventory, '-o', join(axl.dir, 'snapshot.json')], { env: AXL_ENV });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('3 phones');
    expect(readFileSync(join(axl.dir, 'snapshot.json'), 'utf8')).toContain('SEP00AA11BB22CC');

    const offline = await runCli(
      ['check', '-i', inventory, '--offline', '--only', 'MRA-CUCM-001', '--report', 'json'],
      { env: AXL_ENV },
    );
    const report = JSON.parse(offline.stdout) as { findings: Array<{ ruleId: string; status: string }> };
    expect(report.findings).toEqual([expect.objectContaining({ ruleId: 'MRA-CUCM-001', status: 'pass' })]);

    const denied = await runCli(['collect', '-i', inventory, '-o', join(axl.dir, 'other.json')], {
      env: { ...AXL_ENV, AXL_PASS: 'Wrong-Secret-For-CLI-1' },
    });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('HTTP 401 Unauthorized');
    expect(denied.stderr).not.toMatch(/\n\s+at /);
    for (const output of [ok.stdout, ok.stderr, offline.stdout, denied.stdout, denied.stderr]) {
      expect(output).not.toContain(AXL_PASSWORD);
      expect(output).not.toContain('Wrong-Secret-For-CLI-1');
    }
  });

  it('a section whose request fails → exit 1, the partial snapshot written with unavailable, check --offline reads it', async () => {
    axl = await startTestAxl(sampleCluster(), {
      failures: [{ operation: 'listUserProfileProvision', reply: AXL_FAILURES.unknownRequest }],
    });
    const inventory = join(axl.dir, 'mra-preflight.yaml');
    writeFileSync(
      inventory,
      stringify({
        domains: ['example.com'],
        nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
        cucm: { axl: axl.axl, snapshot: 'snapshot.json', mraDevicePools: ['MRA_DP'] },
      }),
    );
    const partial = await runCli(['collect', '-i', inventory, '-o', join(axl.dir, 'snapshot.json')], { env: AXL_ENV });
    expect(partial.code, partial.stderr).toBe(1);
    expect(partial.stderr).toMatch(
      /incomplete: 1 section could not be read:\n.* {2}userProfiles: .*axlcode 5002\): Unknown Request/,
    );
    const written = JSON.parse(readFileSync(join(axl.dir, 'snapshot.json'), 'utf8')) as CucmSnapshot;
    expect(Object.keys(written.unavailable ?? {})).toEqual(['userProfiles']);
    expect(written.phones).toHaveLength(3);

    // The partial file is a valid snapshot: check --offline accepts it (no exit 2).
    const offline = await runCli(
      ['check', '-i', inventory, '--offline', '--only', 'MRA-CUCM-001', '--report', 'json'],
      {
        env: AXL_ENV,
      },
    );
    expect(offline.code, offline.stderr).not.toBe(2);
    for (const output of [partial.stdout, partial.stderr, offline.stdout]) expect(output).not.toContain(AXL_PASSWORD);
  });
});
