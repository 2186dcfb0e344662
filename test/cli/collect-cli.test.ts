import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
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
});
