import { describe, expect, it } from 'vitest';
import {
  fqdnProfileName,
  isEncrypted,
  isJabberDevice,
  isTlsTransport,
  jabberUsers,
  modelMatcher,
  profileShortfalls,
  sample,
} from '../../src/cucm/mra-scope.js';
import { DEFAULT_POLICY } from '../../src/inventory/types.js';
import { readFixture } from '../checks/cucm/cucm-fixtures.js';

describe('MRA scope', () => {
  it('matches the default TFTP exclusion list with wildcards, case-insensitively, whole names only', () => {
    const excluded = modelMatcher(DEFAULT_POLICY.tftpEncryptionExcludedModels);
    expect(excluded('Cisco DX80')).toBe('Cisco DX*');
    expect(excluded('cisco 7841')).toBe('Cisco 78*');
    expect(excluded('CISCO 8845')).toBe('Cisco 8845');
    expect(excluded('Cisco 8851')).toBeUndefined();
    expect(excluded('Cisco 88450')).toBeUndefined();
    expect(excluded('Cisco 6871')).toBeUndefined();
    expect(modelMatcher(['Cisco (8845)'])('Cisco (8845)')).toBe('Cisco (8845)');
  });

  it('matches models case- and space-insensitively and covers their variants, not other models (SPEC 8.1)', () => {
    const excluded = modelMatcher(['Cisco 8865', 'Cisco 8851', 'Cisco DX*']);
    expect(excluded('Cisco 8865NR')).toBe('Cisco 8865');
    expect(excluded('cisco8865')).toBe('Cisco 8865');
    expect(excluded('CISCO  8865-3PCC')).toBe('Cisco 8865');
    expect(excluded('Cisco 88650')).toBeUndefined();
    expect(excluded('Cisco 8851')).toBe('Cisco 8851');
    expect(excluded('Cisco 88510')).toBeUndefined();
    expect(excluded('Cisco DX80')).toBe('Cisco DX*');
  });

  it('accepts FQDN profile names in an enterprise domain only', () => {
    expect(fqdnProfileName('csf-mra.example.com', ['example.com'])).toEqual({ ok: true, domain: 'example.com' });
    expect(fqdnProfileName('CSF-MRA.Example.COM.', ['example.com']).ok).toBe(true);
    expect(fqdnProfileName('Cisco 7841 - Standard SIP Secure Profile', ['example.com'])).toMatchObject({
      ok: false,
      reason: 'is not FQDN-format (no dots)',
    });
    expect(fqdnProfileName('csf_mra.example.com', ['example.com'])).toMatchObject({ ok: false });
    expect(fqdnProfileName('csf.notexample.com', ['example.com'])).toMatchObject({ ok: false });
    expect(fqdnProfileName('csf.sub.example.com', ['example.org', 'example.com'])).toEqual({
      ok: true,
      domain: 'example.com',
    });
  });

  it('finds Jabber devices by name prefix or model, and Jabber users by IM&P or device ownership', () => {
    const phone = {
      name: 'SEP1',
      model: 'Cisco Jabber for Tablet',
      protocol: 'SIP',
      devicePool: 'x',
      securityProfile: 'y',
    };
    expect(isJabberDevice(phone)).toBe(true);
    expect(isJabberDevice({ ...phone, name: 'TABJDOE', model: 'x' })).toBe(true);
    expect(isJabberDevice({ ...phone, model: 'Cisco 8845' })).toBe(false);
    expect(jabberUsers(readFixture('compliant')).users.map((u) => u.userid)).toEqual(['jdoe', 'asmith']);
  });

  it('caps evidence lists with a count', () => {
    expect(sample(['a', 'b', 'c'], 2)).toEqual({ names: ['a', 'b'], count: 3, more: 1 });
    expect(sample(['a'])).toEqual({ names: ['a'], count: 1 });
  });
});

describe('MRA scope at its edges', () => {
  it('says why a profile name is not an FQDN in an enterprise domain', () => {
    const domains = ['example.com', 'Example.ORG.'];
    expect(fqdnProfileName('example.com', domains)).toEqual({ ok: true, domain: 'example.com' });
    expect(fqdnProfileName(' mra.example.org ', domains)).toEqual({ ok: true, domain: 'Example.ORG.' });
    expect(fqdnProfileName('localhost.', domains)).toEqual({ ok: false, reason: 'is not FQDN-format (no dots)' });
    for (const label of ['-mra', 'mra-', 'm_ra', '', 'a'.repeat(64)]) {
      expect(fqdnProfileName(`${label}.example.com`, domains)).toEqual({
        ok: false,
        reason: `is not FQDN-format (label ${JSON.stringify(label)} is not letters, digits and inner hyphens)`,
      });
    }
    expect(fqdnProfileName(`${'a'.repeat(63)}.example.com`, domains).ok).toBe(true);
    expect(fqdnProfileName('m-r-a.x.example.com', domains).ok).toBe(true);
    expect(fqdnProfileName('mra.badexample.com', domains)).toEqual({
      ok: false,
      reason: 'does not end in an enterprise domain (example.com, Example.ORG.)',
    });
  });

  it('reads device security mode and transport as AXL spells them, in any case and spacing', () => {
    const profile = {
      name: 'p.example.com',
      phoneType: 'Cisco 8845',
      protocol: 'SIP',
      deviceSecurityMode: ' encrypted ',
      transportType: ' tls',
      tftpEncryptedConfig: false,
    };
    expect([isEncrypted(profile), isTlsTransport(profile)]).toEqual([true, true]);
    expect(profileShortfalls(profile, ['example.com'])).toEqual([]);
    const bad = { ...profile, name: 'Standard', deviceSecurityMode: 'Authenticated', transportType: 'TCP+UDP' };
    expect([isEncrypted(bad), isTlsTransport(bad)]).toEqual([false, false]);
    expect(profileShortfalls(bad, ['example.com'])).toEqual([
      'device security mode is Authenticated, not Encrypted',
      'transport type is TCP+UDP, not TLS',
      'name is not FQDN-format (no dots)',
    ]);
  });

  it('finds Jabber devices by each prefix and model, and owners without an end user', () => {
    const phone = { name: 'SEP1', model: 'Cisco 8845', protocol: 'SIP', devicePool: 'x', securityProfile: 'y' };
    for (const name of ['csfjdoe', 'BOTJDOE', 'TCTJDOE', 'TABJDOE'])
      expect(isJabberDevice({ ...phone, name })).toBe(true);
    for (const model of [
      ' Cisco Unified Client Services Framework',
      'CISCO DUAL MODE FOR ANDROID',
      'Cisco Dual Mode for iPhone',
    ])
      expect(isJabberDevice({ ...phone, model })).toBe(true);
    expect(isJabberDevice({ ...phone, name: 'XCSF1' })).toBe(false);
    const snapshot = readFixture('compliant');
    snapshot.phones.push(
      { ...phone, name: 'CSFGHOST', owner: 'ghost' },
      { ...phone, name: 'SEPDESK', owner: 'nobody' },
      { ...phone, name: 'BOTZED', owner: 'aaa' },
    );
    const found = jabberUsers(snapshot);
    expect(found.unknownOwners).toEqual(['aaa', 'ghost']);
    expect(found.users.map((user) => user.userid)).toEqual(['jdoe', 'asmith']);
  });

  it('samples twenty names by default', () => {
    const names = Array.from({ length: 21 }, (_, i) => `n${i}`);
    expect(sample(names.slice(0, 20))).toEqual({ names: names.slice(0, 20), count: 20 });
    expect(sample(names)).toEqual({ names: names.slice(0, 20), count: 21, more: 1 });
  });
});
