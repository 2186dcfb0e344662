import { describe, expect, it } from 'vitest';
import { testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

/**
 * What the CUCM rules examine (src/checks/cucm/snapshot-access.ts): MRA endpoints are the phones in
 * cucm.mraDevicePools, and every rule says so, once, when there are none, instead of judging an
 * empty list or failing to run.
 */

/** Rules over MRA endpoints (per phone, per profile or per common phone profile). */
const ENDPOINT_RULES = [
  'MRA-CUCM-002',
  'MRA-CUCM-003',
  'MRA-CUCM-004',
  'MRA-CUCM-005',
  'MRA-CUCM-006',
  'MRA-CUCM-009',
  'MRA-CUCM-013',
];
/** Rules over the MRA device pools themselves. */
const POOL_RULES = ['MRA-CUCM-007', 'MRA-CUCM-008', 'MRA-NTP-004'];

describe('CUCM rules with nothing to examine', () => {
  it.each(ENDPOINT_RULES)('%s: no MRA device pool in the inventory', async (rule) => {
    const findings = await testCheck(rule, { inventory: cucmInventory('compliant', {}, []) });
    expect(findings.map(({ target, status, messageId, message }) => ({ target, status, messageId, message }))).toEqual([
      {
        target: 'deployment',
        status: 'skipped',
        messageId: 'nothingInScope',
        message:
          'Nothing to examine: no MRA device pools in the inventory (cucm.mraDevicePools), so no phone is an MRA endpoint.',
      },
    ]);
  });

  it.each(ENDPOINT_RULES)('%s: no phone in the MRA device pools', async (rule) => {
    const findings = await testCheck(rule, { inventory: cucmInventory('compliant', {}, ['EMPTY_DP', 'SPARE_DP']) });
    expect(findings.map(({ target, status, messageId, message }) => ({ target, status, messageId, message }))).toEqual([
      {
        target: 'deployment',
        status: 'skipped',
        messageId: 'nothingInScope',
        message:
          'Nothing to examine: no phone of the CUCM configuration is in an MRA device pool (EMPTY_DP, SPARE_DP).',
      },
    ]);
  });

  it.each(POOL_RULES)('%s: no MRA device pool in the inventory', async (rule) => {
    const findings = await testCheck(rule, { inventory: cucmInventory('compliant', {}, []) });
    expect(findings.map(({ target, status, messageId, message }) => ({ target, status, messageId, message }))).toEqual([
      {
        target: 'deployment',
        status: 'skipped',
        messageId: 'nothingInScope',
        message: 'Nothing to examine: no MRA device pools in the inventory (cucm.mraDevicePools).',
      },
    ]);
  });
});

describe('CUCM per-profile scope', () => {
  it('leaves an MRA endpoint with a blank security profile out of the per-profile rules', async () => {
    const snapshot = readFixture('compliant');
    snapshot.phones = snapshot.phones.map((phone) =>
      phone.name === 'SEP00AA11BB22DD' ? { ...phone, securityProfile: '  ' } : phone,
    );
    const findings = await testCheck('MRA-CUCM-003', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings.map((finding) => finding.target)).toEqual([
      'security profile bot-mra.example.com',
      'security profile csf-mra.example.com',
      'security profile ip8845-mra.example.com',
      'security profile tct-mra.example.com',
    ]);
  });

  it('lists the models of a profile’s endpoints in name order', async () => {
    const snapshot = readFixture('compliant');
    snapshot.phones = snapshot.phones.map((phone) =>
      phone.devicePool === 'MRA_DP' ? { ...phone, securityProfile: 'csf-mra.example.com' } : phone,
    );
    const findings = await testCheck('MRA-CUCM-003', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence.models).toEqual([
      'Cisco 7841',
      'Cisco 8845',
      'Cisco Dual Mode for Android',
      'Cisco Dual Mode for iPhone',
      'Cisco Unified Client Services Framework',
    ]);
  });
});
