import { describe, expect, it } from 'vitest';
import { testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-012 ils-multicluster', () => {
  it('passes with two clusters and ILS configured', async () => {
    const findings = await testCheck('MRA-CUCM-012', { inventory: cucmInventory('compliant') });
    expect(findings).toMatchObject([
      { target: 'ils', status: 'pass', evidence: { clusters: 2, ils: { configured: true, role: 'Hub' } } },
    ]);
    // Where the configuration came from, as the snapshot states it.
    expect(findings[0]!.evidence.source).toBe('fixture: fully MRA-compliant cluster');
  });

  it('fails with two clusters and no ILS', async () => {
    const findings = await testCheck('MRA-CUCM-012', { inventory: cucmInventory('cucm-012-no-ils') });
    expect(findings).toMatchObject([{ target: 'ils', status: 'fail', severity: 'error' }]);
  });

  it('is skipped with one cluster', async () => {
    const findings = await testCheck('MRA-CUCM-012', { inventory: cucmInventory('cucm-012-no-ils', { clusters: 1 }) });
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
  });

  it('states the role and the cluster count, and the fix in one place', async () => {
    const snapshot = readFixture('compliant');
    const [configured] = await testCheck('MRA-CUCM-012', {
      inventory: cucmInventory('compliant', { clusters: 3 }),
      services: fakeCucm(snapshot),
    });
    expect(configured!.message).toBe('ILS is configured on this cluster (role Hub) for a deployment of 3 clusters.');
    snapshot.ils = { configured: true };
    const [noRole] = await testCheck('MRA-CUCM-012', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(noRole).toMatchObject({ status: 'pass', evidence: { ils: { configured: true, role: null } } });
    expect(noRole!.message).toContain('(role unknown)');
    snapshot.ils = { configured: false };
    const [missing] = await testCheck('MRA-CUCM-012', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(missing).toMatchObject({
      status: 'fail',
      messageId: 'ilsMissing',
      message: 'The deployment has 2 CUCM clusters but ILS is not configured on this cluster.',
      group: { key: 'ils', label: 'the ILS network (Advanced Features > ILS Configuration)' },
    });
  });
});
