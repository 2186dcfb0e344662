import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory } from './cucm-fixtures.js';

describe('MRA-CUCM-007 mra-device-pool', () => {
  it('passes an MRA pool with a date/time group and a region', async () => {
    const findings = await testCheck('MRA-CUCM-007', { inventory: cucmInventory('compliant') });
    expect(findings).toHaveLength(1);
    const pool = findingFor(findings, 'device pool MRA_DP');
    expect(pool.status).toBe('pass');
    expect(pool.evidence).toMatchObject({
      devicePool: { dateTimeGroup: 'CMLocal-MRA', region: 'MRA_Region' },
      phones: 5,
    });
  });

  it('fails a pool without a date/time group, and a listed pool that does not exist', async () => {
    const findings = await testCheck('MRA-CUCM-007', {
      inventory: cucmInventory('cucm-007-pool-incomplete', {}, ['MRA_DP', 'MRA_DP2']),
    });
    expect(findingFor(findings, 'device pool MRA_DP')).toMatchObject({ status: 'fail', messageId: 'noDateTimeGroup' });
    expect(findingFor(findings, 'device pool MRA_DP').message).toContain('no date/time group');
    expect(findingFor(findings, 'device pool MRA_DP2')).toMatchObject({ status: 'fail', messageId: 'poolMissing' });
  });
});
