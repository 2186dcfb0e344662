import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

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

  async function judge(pool: Record<string, unknown>, pools = ['MRA_DP']) {
    const snapshot = readFixture('compliant');
    snapshot.devicePools = [
      { name: 'MRA_DP', ...pool },
      { name: 'HQ_DP', dateTimeGroup: 'CMLocal', region: 'HQ_Region' },
    ];
    return testCheck('MRA-CUCM-007', {
      inventory: cucmInventory('compliant', {}, pools),
      services: fakeCucm(snapshot),
    });
  }

  it.each([
    [
      'no region',
      { dateTimeGroup: 'CMLocal-MRA', region: ' ' },
      'noRegion',
      'Device pool MRA_DP has no region; MRA endpoints take their video bitrate limits from it.',
    ],
    [
      'neither',
      {},
      'incomplete',
      'Device pool MRA_DP has no date/time group and no region; MRA endpoints take their phone NTP reference and region from it.',
    ],
    [
      'a blank date/time group',
      { dateTimeGroup: '  ', region: 'MRA_Region' },
      'noDateTimeGroup',
      'Device pool MRA_DP has no date/time group; MRA endpoints take their phone NTP reference from it.',
    ],
  ])('fails a pool with %s, naming what is missing', async (_, pool, messageId, message) => {
    const [finding] = await judge(pool);
    expect(finding).toMatchObject({ status: 'fail', messageId, message });
    expect(finding!.group).toEqual({ key: 'device-pool:MRA_DP', label: 'device pool MRA_DP' });
    expect(finding!.evidence).toEqual({
      devicePool: {
        name: 'MRA_DP',
        dateTimeGroup: (pool as { dateTimeGroup?: string }).dateTimeGroup ?? null,
        region: (pool as { region?: string }).region ?? null,
      },
      phones: 5,
    });
  });

  it('passes naming the trimmed group and region; a pool listed twice is one finding', async () => {
    const findings = await judge({ dateTimeGroup: ' CMLocal-MRA ', region: 'MRA_Region ' }, ['MRA_DP', 'MRA_DP']);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toBe('Device pool MRA_DP has date/time group CMLocal-MRA and region MRA_Region.');
  });

  it('names the pools that do exist when a listed one does not', async () => {
    const findings = await judge({ dateTimeGroup: 'CMLocal-MRA', region: 'MRA_Region' }, ['MRA_DP', 'GONE_DP']);
    expect(findingFor(findings, 'device pool GONE_DP')).toMatchObject({
      status: 'fail',
      messageId: 'poolMissing',
      message: 'Device pool GONE_DP (listed in cucm.mraDevicePools) does not exist in CUCM.',
      evidence: { devicePool: 'GONE_DP', knownDevicePools: ['HQ_DP', 'MRA_DP'] },
    });
    expect(findingFor(findings, 'device pool GONE_DP').evidence).not.toHaveProperty('phones');
  });
});
