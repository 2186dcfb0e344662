import { describe, expect, it } from 'vitest';
import { findingFor, testCheck } from '../../helpers/check.js';
import { cucmInventory } from './cucm-fixtures.js';

describe('MRA-CUCM-004 secprofile-name-fqdn', () => {
  it('passes FQDN-format profile names in the enterprise domain', async () => {
    const findings = await testCheck('MRA-CUCM-004', { inventory: cucmInventory('compliant') });
    expect(findings.every((f) => f.status === 'pass')).toBe(true);
    expect(findingFor(findings, 'security profile csf-mra.example.com').message).toContain('example.com');
  });

  it('fails a profile name that is not FQDN-format', async () => {
    const findings = await testCheck('MRA-CUCM-004', { inventory: cucmInventory('cucm-004-name-not-fqdn') });
    const bad = findingFor(findings, 'security profile Cisco 7841 - MRA Secure Profile');
    expect(bad.status).toBe('fail');
    expect(bad.message).toContain('not FQDN-format');
  });

  it('fails an FQDN in a domain that is not the enterprise domain', async () => {
    const findings = await testCheck('MRA-CUCM-004', {
      inventory: { ...cucmInventory('compliant'), domains: ['example.org'] },
    });
    expect(findings.every((f) => f.status === 'fail')).toBe(true);
    expect(findings[0]!.message).toContain('does not end in an enterprise domain (example.org)');
  });

  it('names the domain it matched, and gives the enterprise domains as evidence', async () => {
    const findings = await testCheck('MRA-CUCM-004', {
      inventory: { ...cucmInventory('compliant'), domains: ['example.org', 'example.com'] },
    });
    const csf = findingFor(findings, 'security profile csf-mra.example.com');
    expect(csf.message).toBe(
      'Phone security profile csf-mra.example.com (used by 1 MRA endpoint) is FQDN-format in the enterprise domain example.com.',
    );
    expect(csf.evidence).toMatchObject({ enterpriseDomains: ['example.org', 'example.com'] });
    const bad = await testCheck('MRA-CUCM-004', { inventory: cucmInventory('cucm-004-name-not-fqdn') });
    expect(findingFor(bad, 'security profile Cisco 7841 - MRA Secure Profile').message).toBe(
      'Phone security profile Cisco 7841 - MRA Secure Profile, used by 1 MRA endpoint, is not FQDN-format (no dots).',
    );
  });
});
