import { describe, expect, it } from 'vitest';
import { testCheck } from '../../helpers/check.js';
import { cucmInventory } from './cucm-fixtures.js';

describe('MRA-CUCM-012 ils-multicluster', () => {
  it('passes with two clusters and ILS configured', async () => {
    const findings = await testCheck('MRA-CUCM-012', { inventory: cucmInventory('compliant') });
    expect(findings).toMatchObject([
      { target: 'ils', status: 'pass', evidence: { clusters: 2, ils: { configured: true, role: 'Hub' } } },
    ]);
  });

  it('fails with two clusters and no ILS', async () => {
    const findings = await testCheck('MRA-CUCM-012', { inventory: cucmInventory('cucm-012-no-ils') });
    expect(findings).toMatchObject([{ target: 'ils', status: 'fail', severity: 'error' }]);
  });

  it('is skipped with one cluster', async () => {
    const findings = await testCheck('MRA-CUCM-012', { inventory: cucmInventory('cucm-012-no-ils', { clusters: 1 }) });
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
  });
});
