import { describe, expect, it } from 'vitest';
import { fqdnProfileName, isJabberDevice, jabberUsers, modelMatcher, sample } from '../../src/cucm/mra-scope.js';
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
