import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import type { IceSettings } from '../../../src/cucm/snapshot.js';
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

describe('MRA-CUCM-009 ice-config, setting by setting', () => {
  const COMPLETE: IceSettings = {
    enabled: true,
    defaultCandidateType: 'Host',
    serverReflexiveAddress: true,
    primaryTurnServer: 'turn.example.com',
    turnTransportType: 'Auto',
    turnUsername: 'turnuser',
    turnPasswordSet: true,
  };
  const TARGET = 'common phone profile MRA Common Phone Profile';

  /** The finding for the MRA common phone profile with these ICE settings. */
  async function judge(ice: IceSettings) {
    const snapshot = readFixture('compliant');
    snapshot.commonPhoneProfiles = [
      { name: 'MRA Common Phone Profile', ice },
      { name: 'Standard Common Phone Profile' },
    ];
    const findings = await testCheck('MRA-CUCM-009', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    return findingFor(findings, TARGET);
  }

  it.each([
    ['a blank primary TURN server', { primaryTurnServer: '  ' }, 'no primary TURN server is set'],
    ['no primary TURN server', { primaryTurnServer: undefined }, 'no primary TURN server is set'],
    [
      'Server Reflexive as default candidate (any case) with the address disabled',
      { defaultCandidateType: ' server REFLEXIVE ', serverReflexiveAddress: false },
      'the default candidate type is Server Reflexive while Server Reflexive Address is disabled',
    ],
    [
      'Server Reflexive as default candidate with the address unset',
      { defaultCandidateType: 'Server Reflexive', serverReflexiveAddress: undefined },
      'the default candidate type is Server Reflexive while Server Reflexive Address is disabled',
    ],
    [
      'a transport that is not one of four',
      { turnTransportType: 'DTLS' },
      'TURN server transport type "DTLS" is not Auto, UDP, TCP or TLS',
    ],
    ['a blank TURN username', { turnUsername: ' ' }, 'no TURN username is set'],
    ['no TURN password', { turnPasswordSet: false }, 'no TURN password is set'],
    ['an unknown TURN password state', { turnPasswordSet: undefined }, 'no TURN password is set'],
  ] as Array<[string, Partial<IceSettings>, string]>)('fails %s', async (_, change, shortfall) => {
    const finding = await judge({ ...COMPLETE, ...change });
    expect(finding).toMatchObject({
      status: 'fail',
      messageId: 'iceIncomplete',
      evidence: { shortfalls: [shortfall] },
    });
    expect(finding.message).toBe(`ICE is enabled on ${TARGET} but ${shortfall}.`);
    expect(finding.group).toEqual({ key: `ice:${TARGET}`, label: `ICE settings of ${TARGET}` });
  });

  it.each([
    ['each transport in any case', { turnTransportType: ' udp ' }],
    ['TLS', { turnTransportType: 'TLS' }],
    ['TCP', { turnTransportType: 'Tcp' }],
    ['no transport set (CUCM defaults to Auto)', { turnTransportType: undefined }],
    ['Server Reflexive as default candidate with the address enabled', { defaultCandidateType: 'Server Reflexive' }],
    ['no default candidate type', { defaultCandidateType: undefined }],
  ] as Array<[string, Partial<IceSettings>]>)('passes %s', async (_, change) => {
    const finding = await judge({ ...COMPLETE, ...change });
    expect(finding).toMatchObject({ status: 'pass', messageId: 'iceComplete' });
    expect(finding.evidence).not.toHaveProperty('shortfalls');
  });

  it('states the TURN server and transport, and evidence without the password, defaults spelled out', async () => {
    const finding = await judge({
      enabled: true,
      primaryTurnServer: 'turn.example.com',
      turnUsername: 'u',
      turnPasswordSet: true,
    });
    expect(finding.message).toBe(
      `ICE on ${TARGET} has a primary TURN server (turn.example.com), transport Auto, TURN credentials, and a consistent default candidate.`,
    );
    expect(finding.evidence).toEqual({
      ice: {
        enabled: true,
        defaultCandidateType: null,
        serverReflexiveAddress: null,
        primaryTurnServer: 'turn.example.com',
        secondaryTurnServer: null,
        turnTransportType: 'Auto (default)',
        turnUsername: 'u',
        turnPasswordSet: true,
      },
      mraEndpointsUsingProfile: 4,
    });
    const failing = await judge({ enabled: true });
    expect(failing.evidence).toMatchObject({
      ice: { primaryTurnServer: null, turnUsername: null, turnPasswordSet: false },
      shortfalls: ['no primary TURN server is set', 'no TURN username is set', 'no TURN password is set'],
    });
  });

  it('ignores ICE on a profile no MRA endpoint uses, and on disabled ICE', async () => {
    const snapshot = readFixture('compliant');
    snapshot.commonPhoneProfiles = [
      { name: 'MRA Common Phone Profile', ice: { ...COMPLETE, enabled: false } },
      { name: 'Standard Common Phone Profile', ice: { enabled: true } },
      { name: 'Unused Profile', ice: { enabled: true } },
    ];
    // SEP00AA11BB22DD (MRA pool) uses the standard profile: its incomplete ICE is judged, the unused one not.
    const findings = await testCheck('MRA-CUCM-009', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(
      findings.map((finding) => [finding.target, finding.status, finding.evidence.mraEndpointsUsingProfile]),
    ).toEqual([['common phone profile Standard Common Phone Profile', 'fail', 1]]);
  });
});

describe('MRA-CUCM-009 ice-config: phone-level ICE, order and messages', () => {
  it('judges phones in name order, naming each phone and every shortfall', async () => {
    const snapshot = readFixture('compliant');
    snapshot.commonPhoneProfiles = snapshot.commonPhoneProfiles.map(({ name }) => ({ name }));
    const incomplete: IceSettings = { enabled: true, primaryTurnServer: 'turn.example.com', turnUsername: 'u' };
    snapshot.phones = snapshot.phones.map((phone) =>
      phone.name === 'TCTJDOE' || phone.name === 'BOTASMITH' ? { ...phone, ice: incomplete } : phone,
    );
    snapshot.phones = snapshot.phones.map((phone) =>
      phone.name === 'TCTJDOE' ? { ...phone, ice: { ...incomplete, turnUsername: ' ' } } : phone,
    );
    const findings = await testCheck('MRA-CUCM-009', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings.map((f) => [f.target, f.status])).toEqual([
      ['phone BOTASMITH', 'fail'],
      ['phone TCTJDOE', 'fail'],
    ]);
    expect(findings[0]!.message).toBe('ICE is enabled on phone BOTASMITH but no TURN password is set.');
    expect(findings[1]!.message).toBe(
      'ICE is enabled on phone TCTJDOE but no TURN username is set; no TURN password is set.',
    );
    // A phone's own ICE is used by that phone only: no profile usage count.
    expect(Object.keys(findings[0]!.evidence)).toEqual(['ice', 'shortfalls']);
  });

  it('has nothing to examine, saying ICE is optional, when no MRA endpoint has ICE enabled', async () => {
    const snapshot = readFixture('compliant');
    snapshot.commonPhoneProfiles = snapshot.commonPhoneProfiles.map(({ name }) => ({ name }));
    const findings = await testCheck('MRA-CUCM-009', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toBe(
      'Nothing to examine: ICE is not enabled on any common phone profile or phone of the MRA endpoints (ICE is optional).',
    );
  });
});
