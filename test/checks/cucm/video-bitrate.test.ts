import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory } from './cucm-fixtures.js';

describe('MRA-CUCM-008 video-bitrate', () => {
  it('passes an MRA region allowing at least minVideoKbps to every related region', async () => {
    const findings = await testCheck('MRA-CUCM-008', { inventory: cucmInventory('compliant') });
    const pool = findingFor(findings, 'device pool MRA_DP');
    expect(pool.status).toBe('pass');
    expect(pool.severity).toBe('warning');
  });

  it('fails the 384 kbps CUCM default, naming the relation', async () => {
    const findings = await testCheck('MRA-CUCM-008', { inventory: cucmInventory('cucm-008-video-384') });
    const pool = findingFor(findings, 'device pool MRA_DP');
    expect(pool.status).toBe('fail');
    expect(pool.message).toContain('HQ_Region (384 kbps)');
    expect(pool.evidence).toMatchObject({
      region: 'MRA_Region',
      belowMinimum: [{ region: 'HQ_Region', videoKbps: 384 }],
    });
  });

  it('uses policy.minVideoKbps, and skips a pool MRA-CUCM-007 already fails', async () => {
    const strict = await testCheck('MRA-CUCM-008', {
      inventory: cucmInventory('compliant', { policy: { minVideoKbps: 2000 } }),
    });
    expect(findingFor(strict, 'device pool MRA_DP').status).toBe('fail');
    const none = await testCheck('MRA-CUCM-008', { inventory: cucmInventory('compliant', {}, ['GONE_DP']) });
    expect(findingFor(none, 'device pool GONE_DP')).toMatchObject({ status: 'skipped' });
    expect(findingFor(none, 'device pool GONE_DP').message).toContain('MRA-CUCM-007');
  });
});
