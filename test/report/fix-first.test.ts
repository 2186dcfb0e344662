import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/engine/catalog.js';
import { fixFirst, undecided } from '../../src/report/fix-first.js';
import { menuPaths, distinctPaths } from '../../src/report/menu-path.js';
import { SEVERITY_RANK } from '../../src/report/order.js';
import { loadReport } from './fixtures.js';

const sample = loadReport('sample');

describe('fix-first list', () => {
  const items = fixFirst(sample);

  it('has every failure exactly once, grouped by the fix group the rule gave it', () => {
    const failures = sample.findings.filter((finding) => finding.status === 'fail');
    expect(items.flatMap((item) => item.findings).sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))).toEqual(
      [...failures].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint)),
    );
    for (const item of items) {
      for (const finding of item.findings)
        expect(finding.group?.key ?? `finding:${finding.fingerprint}`).toBe(item.key);
    }
    // One wrong security profile: the profile's own finding and its phone's are one item.
    const profile = items.find((item) => item.key === 'security-profile:Cisco 8865 - Standard SIP Non-Secure Profile')!;
    expect(profile.rules.map((entry) => entry.id)).toEqual(['MRA-CUCM-002', 'MRA-CUCM-006']);
    expect(profile.label).toBe('phone security profile Cisco 8865 - Standard SIP Non-Secure Profile');
    // Two DNS rules failing on one public zone: one item.
    const zone = items.find((item) => item.key === 'dns-zone:external:example.com')!;
    expect(zone.rules.map((entry) => entry.id)).toEqual(['MRA-DNS-002', 'MRA-DNS-003']);
    // A failure without a group is its own item, named by its target and rule.
    const single = items.find((item) => item.key.startsWith('finding:'))!;
    expect(single.findings).toHaveLength(1);
    expect(single.label).toBe(`${single.findings[0]!.target} (${single.findings[0]!.ruleId})`);
  });

  it('puts error items first, then warnings, then info; within a severity DNS before certificates before CUCM', () => {
    const ranks = items.map((item) => SEVERITY_RANK[item.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(items[0]!.severity).toBe('error');
    expect(items.at(-1)!.severity).toBe('info');
    const errors = items.filter((item) => item.severity === 'error').map((item) => item.findings[0]!.area);
    expect(errors.indexOf('dns')).toBe(0);
    expect(errors.lastIndexOf('dns')).toBeLessThan(errors.indexOf('cert'));
    expect(errors.lastIndexOf('cert')).toBeLessThan(errors.indexOf('cucm'));
  });

  it("carries each rule's remediation once, the menu paths it names, and how many findings are new", () => {
    const store = items.find((item) => item.key === 'trust-store:cucm-pub.example.com tomcat-trust')!;
    expect(store.rules).toEqual([
      { id: 'MRA-CERT-003', rule: sample.rules.find((rule) => rule.id === 'MRA-CERT-003'), count: 1 },
    ]);
    expect(store.menuPaths).toEqual([
      'Cisco Unified OS Administration > Security > Certificate Management > Upload Certificate/Certificate chain',
      'Maintenance > Security > Trusted CA certificate',
    ]);
    expect(store.newSinceBaseline).toBe(1);
    const accepted = items.find((item) => item.key === 'date-time-group:CMLocal')!;
    expect(accepted.newSinceBaseline).toBe(0);
  });

  it('lists what the scan could not decide by rule, apart from the fixes', () => {
    expect(undecided(sample).map((entry) => [entry.id, entry.findings.length])).toEqual([
      ['MRA-DNS-002', 1],
      ['MRA-NTP-001', 1],
      ['MRA-CUCM-010', 1],
    ]);
    expect(fixFirst(loadReport('clean'))).toEqual([]);
  });
});

describe('menu paths in the catalog remediation', () => {
  it('finds the admin menu path as the GUI labels it, without the prose around it', () => {
    expect(
      menuPaths(
        'In Cisco Unified CM Administration > System > Security > Phone Security Profile, open the profile and set Device Security Mode to Encrypted (or assign it in Device > Phone).',
      ),
    ).toEqual(['Cisco Unified CM Administration > System > Security > Phone Security Profile', 'Device > Phone']);
    expect(
      menuPaths(
        'on Expressway, Maintenance > Security > Trusted CA certificate for the roots and Maintenance > Security > Server certificate for the leaf.',
      ),
    ).toEqual(['Maintenance > Security > Trusted CA certificate', 'Maintenance > Security > Server certificate']);
    expect(menuPaths('Expressway Maintenance > Security > Server certificate > Generate CSR (Key length)')).toEqual([
      'Maintenance > Security > Server certificate > Generate CSR',
    ]);
    expect(menuPaths('Remove the `_cisco-uds._tcp.<domain>` records from the public zone.')).toEqual([]);
    expect(distinctPaths(['A > B', 'A > B > C', 'D > E', 'A > B', 'B > C', 'X > C'])).toEqual([
      'A > B > C',
      'D > E',
      'X > C',
    ]);
  });

  it('gives every rule whose remediation names a menu at least one path, each a chain of labels', async () => {
    const { entries } = await loadCatalog();
    for (const entry of entries) {
      const paths = menuPaths(entry.remediation);
      if (!entry.remediation.includes(' > ')) continue;
      expect(paths.length, entry.id).toBeGreaterThan(0);
      for (const path of paths) {
        const levels = path.split(' > ');
        expect(levels.length, `${entry.id}: ${path}`).toBeGreaterThanOrEqual(2);
        // A level is a label: capitalised, no clause punctuation, no sentence in it.
        for (const level of levels) expect(level, `${entry.id}: ${path}`).toMatch(/^[A-Z0-9][^,;:()]{0,60}$/);
      }
    }
  });
});
