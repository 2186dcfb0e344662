import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

describe('MRA-CUCM-005 tftp-encryption-exclusion', () => {
  it('passes profiles of 8845 and 7841 MRA endpoints with TFTP Encrypted Config unchecked; Jabber profiles are out of scope', async () => {
    const findings = await testCheck('MRA-CUCM-005', { inventory: cucmInventory('compliant') });
    expect(findings.map((f) => [f.target, f.status])).toEqual([
      ['security profile ip7841-mra.example.com', 'pass'],
      ['security profile ip8845-mra.example.com', 'pass'],
    ]);
    expect(findingFor(findings, 'security profile ip7841-mra.example.com').evidence).toMatchObject({
      matchedPatterns: ['Cisco 78*'],
    });
  });

  it('fails the 8845 profile with TFTP Encrypted Config checked', async () => {
    const findings = await testCheck('MRA-CUCM-005', { inventory: cucmInventory('cucm-005-tftp-encrypted') });
    const bad = findingFor(findings, 'security profile ip8845-mra.example.com');
    expect(bad.status).toBe('fail');
    expect(bad.message).toContain('Cisco 8845');
    expect(bad.evidence).toMatchObject({ profile: { tftpEncryptedConfig: true }, matchedPatterns: ['Cisco 8845'] });
  });

  it('matches the policy list case-insensitively with wildcards, and skips when no model matches', async () => {
    const snapshot = readFixture('cucm-005-tftp-encrypted');
    const lower = await testCheck('MRA-CUCM-005', {
      inventory: cucmInventory('compliant', { policy: { tftpEncryptionExcludedModels: ['cisco 88??'] } }),
      services: fakeCucm(snapshot),
    });
    expect(lower.map((f) => [f.target, f.status])).toEqual([['security profile ip8845-mra.example.com', 'fail']]);
    const none = await testCheck('MRA-CUCM-005', {
      inventory: cucmInventory('compliant', { policy: { tftpEncryptionExcludedModels: ['Cisco DX*'] } }),
      services: fakeCucm(snapshot),
    });
    expect(none).toMatchObject([{ status: 'skipped', target: 'deployment', messageId: 'nothingInScope' }]);
  });

  it('fails a profile shared by an excluded model and a model that is not, naming only the excluded one', async () => {
    const snapshot = readFixture('compliant');
    const shared = snapshot.securityProfiles.find((profile) => profile.name === 'ip8845-mra.example.com')!;
    shared.tftpEncryptedConfig = true;
    // The Jabber client comes first, so a rule that looked only at the first phone of a profile would pass it.
    snapshot.phones.unshift({ ...snapshot.phones[0]!, name: 'CSFSHARED', securityProfile: shared.name });
    const findings = await testCheck('MRA-CUCM-005', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    const profile = findingFor(findings, 'security profile ip8845-mra.example.com');
    expect(profile).toMatchObject({
      status: 'fail',
      messageId: 'tftpEncrypted',
      evidence: { mraEndpoints: { names: ['SEP00AA11BB22CC'], count: 1 }, models: ['Cisco 8845'] },
    });
    expect(profile.message).toBe(
      'Phone security profile ip8845-mra.example.com has TFTP Encrypted Config checked but is used by 1 Cisco 8845 MRA endpoint, on which MRA does not work with encrypted TFTP configuration.',
    );
  });

  it('is inconclusive, never a pass, when the profile an excluded model uses is not in the snapshot', async () => {
    const snapshot = readFixture('compliant');
    snapshot.securityProfiles = snapshot.securityProfiles.filter(
      (profile) => profile.name !== 'ip7841-mra.example.com',
    );
    const findings = await testCheck('MRA-CUCM-005', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings.map((finding) => [finding.target, finding.status, finding.messageId])).toEqual([
      ['security profile ip7841-mra.example.com', 'inconclusive', 'profileNotInSnapshot'],
      ['security profile ip8845-mra.example.com', 'pass', 'tftpUnchecked'],
    ]);
    expect(findings[0]!.evidence).toMatchObject({ profile: null, matchedPatterns: ['Cisco 78*'] });
  });
});

describe('MRA-CUCM-005 tftp-encryption-exclusion: messages', () => {
  it('counts the endpoints and names their models in order when a profile serves several excluded models', async () => {
    const snapshot = readFixture('compliant');
    snapshot.phones = snapshot.phones.map((phone) =>
      phone.name === 'SEP00AA11BB22CC' ? { ...phone, securityProfile: 'ip7841-mra.example.com' } : phone,
    );
    const findings = await testCheck('MRA-CUCM-005', {
      inventory: cucmInventory('compliant'),
      services: fakeCucm(snapshot),
    });
    expect(findings.map((f) => [f.target, f.status, f.message])).toEqual([
      [
        'security profile ip7841-mra.example.com',
        'pass',
        'Phone security profile ip7841-mra.example.com (used by 2 Cisco 7841/Cisco 8845 MRA endpoints) has TFTP Encrypted Config unchecked.',
      ],
    ]);
  });

  it('names the policy patterns when no MRA endpoint is an excluded model', async () => {
    const findings = await testCheck('MRA-CUCM-005', {
      inventory: cucmInventory('compliant', { policy: { tftpEncryptionExcludedModels: ['Cisco DX*', 'Cisco 99*'] } }),
    });
    expect(findings).toMatchObject([{ status: 'skipped', target: 'deployment', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toBe(
      'Nothing to examine: no MRA endpoint is a model that needs TFTP Encrypted Config unchecked (Cisco DX*, Cisco 99*).',
    );
  });
});
