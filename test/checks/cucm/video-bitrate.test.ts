import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

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

  /** Verdict on MRA_DP when MRA_Region allows `kbps` to HQ_Region (and 6000 to itself). */
  async function verdictAt(kbps: number, policy: Record<string, unknown> = {}) {
    const snapshot = readFixture('compliant');
    snapshot.regions[0]!.relations[1]!.videoKbps = kbps;
    const findings = await testCheck('MRA-CUCM-008', {
      inventory: cucmInventory('compliant', { policy }),
      services: fakeCucm(snapshot),
    });
    const pool = findingFor(findings, 'device pool MRA_DP');
    return [pool.status, pool.messageId, pool.evidence.minVideoKbps];
  }

  it('passes minVideoKbps itself (385 by default, one above the CUCM default) and fails one below it', async () => {
    expect(await verdictAt(385)).toEqual(['pass', 'sufficient', 385]);
    expect(await verdictAt(384)).toEqual(['fail', 'tooLow', 385]);
    expect(await verdictAt(1500, { minVideoKbps: 1500 })).toEqual(['pass', 'sufficient', 1500]);
    expect(await verdictAt(1499, { minVideoKbps: 1500 })).toEqual(['fail', 'tooLow', 1500]);
  });

  it('names only the relations below the minimum, and the lowest of all in the message', async () => {
    const snapshot = readFixture('compliant');
    snapshot.regions[0]!.relations = [
      { region: 'MRA_Region', videoKbps: 200 },
      { region: 'HQ_Region', videoKbps: 385 },
      { region: 'Branch_Region', videoKbps: 384 },
    ];
    const [pool] = await testCheck('MRA-CUCM-008', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(pool).toMatchObject({
      status: 'fail',
      messageId: 'tooLow',
      evidence: {
        belowMinimum: [
          { region: 'MRA_Region', videoKbps: 200 },
          { region: 'Branch_Region', videoKbps: 384 },
        ],
        minVideoKbps: 385,
      },
    });
    expect(pool!.message).toContain(
      'allows only 200 kbps for video to MRA_Region (200 kbps), Branch_Region (384 kbps);',
    );
  });

  it('is inconclusive, naming why, for a region the snapshot lacks or one without relations', async () => {
    const snapshot = readFixture('compliant');
    snapshot.regions[0]!.relations = [];
    const none = await testCheck('MRA-CUCM-008', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(none).toMatchObject([{ status: 'inconclusive', messageId: 'noRelations', target: 'device pool MRA_DP' }]);
    snapshot.regions = snapshot.regions.slice(1);
    const gone = await testCheck('MRA-CUCM-008', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(gone).toMatchObject([
      { status: 'inconclusive', messageId: 'regionNotInSnapshot', evidence: { region: 'MRA_Region' } },
    ]);
  });
});

describe('MRA-CUCM-008 video-bitrate: messages and what to fix', () => {
  const judge = async (edit: (snapshot: ReturnType<typeof readFixture>) => void) => {
    const snapshot = readFixture('compliant');
    edit(snapshot);
    return findingFor(
      await testCheck('MRA-CUCM-008', { inventory: cucmInventory('compliant'), services: fakeCucm(snapshot) }),
      'device pool MRA_DP',
    );
  };

  it('states the region, the pool, the minimum and the lowest relation when it passes', async () => {
    const finding = await judge(() => {});
    expect(finding).toMatchObject({ status: 'pass', messageId: 'sufficient' });
    expect(finding.message).toBe(
      'Region MRA_Region of device pool MRA_DP allows at least 385 kbps for video to every related region (1500 kbps lowest).',
    );
  });

  it('names the relation below the minimum, and groups the fix under the region', async () => {
    const finding = await judge((snapshot) => {
      snapshot.regions[0]!.relations[1]!.videoKbps = 384;
    });
    expect(finding).toMatchObject({ status: 'fail', messageId: 'tooLow' });
    expect(finding.message).toBe(
      'Region MRA_Region of device pool MRA_DP allows only 384 kbps for video to HQ_Region (384 kbps); MRA video endpoints need at least 385 kbps (384 kbps is the CUCM default and too low for some, e.g. DX series).',
    );
    expect(finding.group).toEqual({
      key: 'region:MRA_Region',
      label: 'region MRA_Region (System > Region Information > Region)',
    });
  });

  it('leaves a pool without a region to MRA-CUCM-007', async () => {
    const finding = await judge((snapshot) => {
      delete snapshot.devicePools[0]!.region;
    });
    expect(finding).toMatchObject({
      status: 'skipped',
      messageId: 'prerequisiteFailed',
      evidence: { prerequisite: { ruleId: 'MRA-CUCM-007', messageId: 'noRegion' } },
    });
  });
});
