import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/engine/types.js';
import { findingFor, testCheck } from '../../helpers/check.js';
import { STATUS_ENV, STATUS_PASSWORD, startStatusFixture, type StatusFixture } from '../../helpers/status-server.js';

const RULE = 'MRA-EXP-002';

let fixture: StatusFixture;
beforeAll(async () => {
  fixture = await startStatusFixture();
});
afterAll(async () => {
  await fixture?.close();
});

const status = (name: string): Record<string, unknown> => ({
  url: fixture.url(name),
  usernameEnv: 'EXP_USER',
  passwordEnv: 'EXP_PASS',
  caFile: fixture.caFile,
});

async function run(nodes: Array<Record<string, unknown>>, offline = false): Promise<Finding[]> {
  const findings = await testCheck(RULE, { inventory: { domains: ['example.com'], nodes }, env: STATUS_ENV, offline });
  expect(JSON.stringify(findings)).not.toContain(STATUS_PASSWORD);
  return findings;
}

describe('MRA-EXP-002 expressway-version-match', () => {
  it('warns when C runs X14.0.11 and E runs X14.0.2', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X14.0.11' },
      { fqdn: 'expe.example.com', role: 'expressway-e', version: 'X14.0.2' },
    ]);
    expect(findings).toHaveLength(1);
    const finding = findingFor(findings, 'expc.example.com <-> expe.example.com');
    expect(finding).toMatchObject({ status: 'fail', severity: 'warning', messageId: 'versionsDiffer' });
    expect(finding.message).toBe(
      'Expressway-C expc.example.com runs X14.0.11 but Expressway-E expe.example.com runs X14.0.2; upgrade them to the same release before relying on MRA.',
    );
    expect(finding.group).toEqual({
      key: 'expressway-pair:expc.example.com <-> expe.example.com',
      label: 'Expressway pair expc.example.com <-> expe.example.com',
    });
    expect(finding.message).toContain('X14.0.11');
    expect(finding.message).toContain('X14.0.2');
    expect(finding.evidence).toEqual({
      expresswayC: { node: 'expc.example.com', version: 'X14.0.11', source: 'inventory' },
      expresswayE: { node: 'expe.example.com', version: 'X14.0.2', source: 'inventory' },
    });
  });

  it('passes the same release however it is spelled (X8.10 = x8.10.0)', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X8.10' },
      { fqdn: 'expe.example.com', role: 'expressway-e', version: 'x8.10.0' },
    ]);
    expect(findingFor(findings, 'expc.example.com <-> expe.example.com')).toMatchObject({
      status: 'pass',
      messageId: 'versionsMatch',
    });
  });

  it('treats a release candidate as a different release', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X14.2 RC1' },
      { fqdn: 'expe.example.com', role: 'expressway-e', version: 'X14.2' },
    ]);
    expect(findingFor(findings, 'expc.example.com <-> expe.example.com')).toMatchObject({ status: 'fail' });
  });

  it('pairs every C with every E (one finding per pair)', async () => {
    const findings = await run([
      { fqdn: 'expc1.example.com', role: 'expressway-c', version: 'X14.3.1' },
      { fqdn: 'expc2.example.com', role: 'expressway-c', version: 'X14.3.1' },
      { fqdn: 'expe1.example.com', role: 'expressway-e', version: 'X14.3.1' },
      { fqdn: 'expe2.example.com', role: 'expressway-e', version: 'X14.0.2' },
    ]);
    expect(findings.map((finding) => `${finding.target}=${finding.status}`).sort()).toEqual([
      'expc1.example.com <-> expe1.example.com=pass',
      'expc1.example.com <-> expe2.example.com=fail',
      'expc2.example.com <-> expe1.example.com=pass',
      'expc2.example.com <-> expe2.example.com=fail',
    ]);
  });

  it('is skipped for the deployment when there is no Expressway-E', async () => {
    const findings = await run([{ fqdn: 'expc.example.com', role: 'expressway-c', version: 'X14.3.1' }]);
    const finding = findingFor(findings, 'deployment');
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'nothingInScope' });
    expect(finding.message).toContain('no Expressway-E');
  });

  it('is skipped for the deployment when there is no Expressway-C', async () => {
    const findings = await run([{ fqdn: 'expe.example.com', role: 'expressway-e', version: 'X14.3.1' }]);
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toBe(
      'Nothing to examine: no Expressway-C in the inventory, so there is no C/E pair to compare.',
    );
  });

  it('skips a pair whose version is unknown or unparseable, pointing to MRA-EXP-001', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X14.3.1' },
      { fqdn: 'expe1.example.com', role: 'expressway-e' },
      { fqdn: 'expe2.example.com', role: 'expressway-e', version: 'n/a' },
    ]);
    expect(findingFor(findings, 'expc.example.com <-> expe1.example.com')).toMatchObject({
      status: 'skipped',
      messageId: 'prerequisiteFailed',
    });
    const unparseable = findingFor(findings, 'expc.example.com <-> expe2.example.com');
    expect(unparseable).toMatchObject({ status: 'skipped' });
    expect(unparseable.message).toContain('MRA-EXP-001');
  });

  it('compares the live status.xml of C (X14.0.11) with the inventory version of E (X14.0.2)', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', status: status('x14-0-11') },
      { fqdn: 'expe.example.com', role: 'expressway-e', version: 'X14.0.2' },
    ]);
    const finding = findingFor(findings, 'expc.example.com <-> expe.example.com');
    expect(finding).toMatchObject({ status: 'fail', severity: 'warning' });
    expect(finding.evidence).toMatchObject({
      expresswayC: { version: 'X14.0.11', source: `status.xml ${fixture.url('x14-0-11')}` },
    });
  });

  it('passes two live status.xml documents at the same release', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', status: status('good') },
      { fqdn: 'expe.example.com', role: 'expressway-e', status: status('good') },
    ]);
    expect(findingFor(findings, 'expc.example.com <-> expe.example.com')).toMatchObject({ status: 'pass' });
  });

  it('skips the pair when status.xml of one side fails (the failure belongs to MRA-EXP-001)', async () => {
    const findings = await run([
      { fqdn: 'expc.example.com', role: 'expressway-c', status: status('garbage') },
      { fqdn: 'expe.example.com', role: 'expressway-e', version: 'X14.0.2' },
    ]);
    const finding = findingFor(findings, 'expc.example.com <-> expe.example.com');
    expect(finding).toMatchObject({ status: 'skipped', messageId: 'prerequisiteFailed' });
    expect(finding.message).toContain('MRA-EXP-001');
  });
});
