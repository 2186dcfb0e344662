import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from '../cucm/cucm-fixtures.js';

describe('MRA-NTP-004 phone-ntp-reference', () => {
  it('passes an MRA pool whose date/time group holds a phone NTP reference; the HQ pool is not examined', async () => {
    const findings = await testCheck('MRA-NTP-004', { inventory: cucmInventory('compliant') });
    expect(findings).toHaveLength(1);
    expect(findingFor(findings, 'device pool MRA_DP')).toMatchObject({
      status: 'pass',
      evidence: { dateTimeGroup: 'CMLocal-MRA', phoneNtpReferences: ['ntp.example.com'] },
    });
  });

  it('fails a date/time group without phone NTP reference', async () => {
    const findings = await testCheck('MRA-NTP-004', { inventory: cucmInventory('ntp-004-no-phone-ntp-reference') });
    const pool = findingFor(findings, 'device pool MRA_DP');
    expect(pool.status).toBe('fail');
    expect(pool.severity).toBe('error');
    expect(pool.message).toContain('CMLocal-MRA');
  });

  it('is skipped naming MRA-CUCM-007 when the pool has no date/time group, inconclusive when the group is not in the snapshot', async () => {
    const skipped = await testCheck('MRA-NTP-004', { inventory: cucmInventory('cucm-007-pool-incomplete') });
    expect(findingFor(skipped, 'device pool MRA_DP')).toMatchObject({
      status: 'skipped',
      messageId: 'prerequisiteFailed',
    });
    expect(skipped[0]!.message).toContain('MRA-CUCM-007');
    const snapshot = readFixture('compliant');
    snapshot.dateTimeGroups = [];
    const missing = await testCheck('MRA-NTP-004', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    const notRead = findingFor(missing, 'device pool MRA_DP');
    expect(notRead).toMatchObject({
      status: 'inconclusive',
      messageId: 'groupNotInSnapshot',
      evidence: { devicePool: 'MRA_DP', dateTimeGroup: 'CMLocal-MRA' },
    });
    expect(notRead.message).toBe(
      'Date/time group CMLocal-MRA of device pool MRA_DP is not in the CUCM configuration read.',
    );
  });

  it('is skipped naming MRA-CUCM-007 for an MRA pool CUCM does not have, and judges the others', async () => {
    const findings = await testCheck('MRA-NTP-004', {
      inventory: cucmInventory('compliant', {}, ['MRA_DP', 'MRA_GONE']),
    });
    expect(findings).toHaveLength(2);
    expect(findingFor(findings, 'device pool MRA_GONE')).toMatchObject({
      status: 'skipped',
      messageId: 'prerequisiteFailed',
      evidence: { prerequisite: { ruleId: 'MRA-CUCM-007', messageId: 'poolMissing' } },
    });
    expect(findingFor(findings, 'device pool MRA_DP')).toMatchObject({ status: 'pass', messageId: 'hasReference' });
  });

  it('has nothing to examine when the inventory names no MRA device pool', async () => {
    const findings = await testCheck('MRA-NTP-004', { inventory: cucmInventory('compliant', {}, []) });
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toBe(
      'Nothing to examine: no MRA device pools in the inventory (cucm.mraDevicePools).',
    );
  });

  it('is skipped when the source is a BAT export without date/time groups', async () => {
    const snapshot = readFixture('compliant');
    snapshot.absentSections = ['devicePools', 'dateTimeGroups'];
    const findings = await testCheck('MRA-NTP-004', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot, 'bat phones.csv'),
    });
    expect(findings).toMatchObject([{ status: 'skipped', messageId: 'needUnavailable' }]);
    expect(findings[0]!.message).toContain('devicePools, dateTimeGroups');
  });
});

describe('MRA-NTP-004 phone-ntp-reference in detail', () => {
  async function judge(references: string[]) {
    const snapshot = readFixture('compliant');
    const group = snapshot.dateTimeGroups.find((candidate) => candidate.name === 'CMLocal-MRA')!;
    group.phoneNtpReferences = references;
    const findings = await testCheck('MRA-NTP-004', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    return findingFor(findings, 'device pool MRA_DP');
  }

  it('fails a date/time group whose only references are blank, naming the group to fix', async () => {
    const finding = await judge([' ', '']);
    expect(finding).toMatchObject({
      status: 'fail',
      messageId: 'noReference',
      severity: 'error',
      evidence: { devicePool: 'MRA_DP', dateTimeGroup: 'CMLocal-MRA', phoneNtpReferences: [] },
    });
    expect(finding.message).toBe(
      'Date/time group CMLocal-MRA of device pool MRA_DP holds no phone NTP reference; MRA requires one for its SIP endpoints.',
    );
    expect(finding.group).toEqual({
      key: 'date-time-group:CMLocal-MRA',
      label: 'date/time group CMLocal-MRA (System > Date/Time Group)',
    });
  });

  it('passes naming every reference, blanks left out', async () => {
    const finding = await judge(['10.1.1.123', ' ', 'ntp2.example.com']);
    expect(finding).toMatchObject({
      status: 'pass',
      messageId: 'hasReference',
      evidence: { phoneNtpReferences: ['10.1.1.123', 'ntp2.example.com'] },
    });
    expect(finding.message).toBe(
      'Date/time group CMLocal-MRA of device pool MRA_DP holds phone NTP reference(s) 10.1.1.123, ntp2.example.com.',
    );
  });
});
