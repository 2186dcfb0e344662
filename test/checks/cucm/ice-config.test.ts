import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-009 ice-config', () => {
  it('passes a common phone profile with complete ICE settings', async () => {
    const findings = await testCheck('MRA-CUCM-009', { inventory: cucmInventory('compliant') });
    expect(findings).toHaveLength(1);
    const cpp = findingFor(findings, 'common phone profile MRA Common Phone Profile');
    expect(cpp.status).toBe('pass');
    expect(cpp.evidence).toMatchObject({
      ice: { primaryTurnServer: 'turn.example.com', turnPasswordSet: true },
      mraEndpointsUsingProfile: 4,
    });
  });

  it('fails incomplete ICE: no primary TURN server, server reflexive default with reflexive disabled, no password', async () => {
    const findings = await testCheck('MRA-CUCM-009', { inventory: cucmInventory('cucm-009-ice-incomplete') });
    const cpp = findingFor(findings, 'common phone profile MRA Common Phone Profile');
    expect(cpp.status).toBe('fail');
    expect(cpp.evidence).toMatchObject({
      shortfalls: [
        'no primary TURN server is set',
        'the default candidate type is Server Reflexive while Server Reflexive Address is disabled',
        'no TURN password is set',
      ],
    });
  });

  it('judges phone-level ICE on MRA endpoints only, and skips when ICE is enabled nowhere', async () => {
    const snapshot = readFixture('compliant');
    snapshot.commonPhoneProfiles = snapshot.commonPhoneProfiles.map(({ name }) => ({ name }));
    const bogus = {
      enabled: true,
      primaryTurnServer: 'turn.example.com',
      turnTransportType: 'SCTP',
      turnUsername: 'u',
      turnPasswordSet: true,
    };
    snapshot.phones = snapshot.phones.map((phone) =>
      phone.name === 'CSFJDOE' || phone.devicePool === 'HQ_DP' ? { ...phone, ice: bogus } : phone,
    );
    const findings = await testCheck('MRA-CUCM-009', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings.map((f) => [f.target, f.status])).toEqual([['phone CSFJDOE', 'fail']]);
    expect(findings[0]!.message).toContain('"SCTP" is not Auto, UDP, TCP or TLS');
    snapshot.phones = snapshot.phones.map(({ ice: _ice, ...phone }) => phone);
    const none = await testCheck('MRA-CUCM-009', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(none).toMatchObject([{ status: 'skipped', messageId: 'nothingInScope' }]);
  });
});
