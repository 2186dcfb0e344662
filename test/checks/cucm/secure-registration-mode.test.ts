import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AXL_FAILURES } from '../../../lab/axl-server.js';
import type { CucmSnapshot } from '../../../src/cucm/snapshot.js';
import { findingFor, testCheck, testScan } from '../../helpers/check.js';
import { AXL_ENV, sampleCluster, startTestAxl, type TestAxl } from '../../helpers/axl-server.js';
import { cucmInventory, fakeCucm, readFixture } from './cucm-fixtures.js';

const RULE = 'MRA-CUCM-013';
const CSF = 'security profile csf-mra.example.com';
const TCT = 'security profile tct-mra.example.com';
const BOT = 'security profile bot-mra.example.com';
const IP8845 = 'security profile ip8845-mra.example.com';
const IP7841 = 'security profile ip7841-mra.example.com';

/** The compliant fixture with its cluster values and profile OAuth settings replaced. */
function edited(edit: (snapshot: CucmSnapshot) => void): { cucm: ReturnType<typeof fakeCucm>['cucm'] } {
  const snapshot = readFixture('compliant');
  edit(snapshot);
  return fakeCucm(snapshot);
}

const judged = (services: ReturnType<typeof edited>) =>
  testCheck(RULE, { inventory: cucmInventory('compliant'), services });

describe('MRA-CUCM-013 secure-registration-mode, from snapshot files', () => {
  it('passes every Encrypted MRA profile when the cluster is in mixed mode; evidence has the re-check query', async () => {
    const findings = await testCheck(RULE, { inventory: cucmInventory('compliant') });
    expect(findings.map((f) => f.target).sort()).toEqual([BOT, CSF, IP7841, IP8845, TCT]);
    expect(findings.every((f) => f.status === 'pass' && f.messageId === 'mixedMode')).toBe(true);
    expect(findingFor(findings, IP8845).evidence).toMatchObject({
      clusterSecurity: { clusterSecurityMode: 'mixed', sipOAuthMode: 'disabled' },
      mraEndpoints: { names: ['SEP00AA11BB22CC'], count: 1 },
      recheck: expect.stringContaining("paramname in ('ClusterSecurityMode', 'ClusterSIPOAuthMode')"),
    });
  });

  it('on a non-secure cluster with SIP OAuth: Jabber profiles with OAuth pass, the rest do not', async () => {
    const findings = await testCheck(RULE, { inventory: cucmInventory('cucm-013-non-secure') });
    expect(findingFor(findings, CSF)).toMatchObject({ status: 'pass', messageId: 'sipOAuth' });
    expect(findingFor(findings, BOT)).toMatchObject({ status: 'pass', messageId: 'sipOAuth' });
    const tct = findingFor(findings, TCT);
    expect(tct).toMatchObject({ status: 'fail', severity: 'error', messageId: 'cannotRegister' });
    expect(tct.message).toContain('Enable OAuth Authentication is off on the profile');
    expect(tct.evidence).toMatchObject({ enableOAuthAuthentication: false, jabberEndpoints: true });
    const ip8845 = findingFor(findings, IP8845);
    expect(ip8845).toMatchObject({ status: 'fail', messageId: 'cannotRegister' });
    expect(ip8845.evidence).toMatchObject({ jabberEndpoints: false, models: ['Cisco 8845'] });
    // An IP phone profile with OAuth on: SIP OAuth for phones needs CUCM 14 and firmware the snapshot does not show.
    expect(findingFor(findings, IP7841)).toMatchObject({ status: 'inconclusive', messageId: 'phonesOnOAuth' });
    expect(findings).toHaveLength(5);
  });

  it('fails a Jabber profile with OAuth on when SIP OAuth mode is disabled on the cluster; the fix is the cluster', async () => {
    const report = await testScan(RULE, {
      inventory: cucmInventory('compliant'),
      services: edited((snapshot) => {
        snapshot.clusterSecurity = { clusterSecurityMode: 'non-secure', sipOAuthMode: 'disabled' };
        for (const profile of snapshot.securityProfiles) profile.enableOAuthAuthentication = true;
      }),
    });
    const csf = findingFor(report.findings, CSF);
    expect(csf.status).toBe('fail');
    expect(csf.message).toContain('SIP OAuth mode is disabled on the cluster');
    expect(csf.message).not.toContain('off on the profile');
    expect(report.findings.filter((f) => f.status === 'fail')).toHaveLength(5);
  });

  it('is never pass when a value is unknown: mode, cluster OAuth or profile OAuth', async () => {
    const modeUnknown = await judged(
      edited((snapshot) => {
        snapshot.clusterSecurity = { sipOAuthMode: 'disabled' };
      }),
    );
    expect(modeUnknown.every((f) => f.status === 'inconclusive' && f.messageId === 'modeUnknown')).toBe(true);
    expect(findingFor(modeUnknown, CSF).message).toContain('SIP OAuth mode is disabled on the cluster');

    const oauthUnknown = await judged(
      edited((snapshot) => {
        snapshot.clusterSecurity = { clusterSecurityMode: 'non-secure' };
        for (const profile of snapshot.securityProfiles) profile.enableOAuthAuthentication = true;
      }),
    );
    expect(findingFor(oauthUnknown, CSF)).toMatchObject({ status: 'inconclusive', messageId: 'oauthUnknown' });
    expect(findingFor(oauthUnknown, CSF).message).toContain('enabled on the cluster');

    // Mode unknown but SIP OAuth on everywhere: Jabber passes on OAuth alone, whatever the mode.
    const oauthOn = await judged(
      edited((snapshot) => {
        snapshot.clusterSecurity = { sipOAuthMode: 'enabled' };
        for (const profile of snapshot.securityProfiles) profile.enableOAuthAuthentication = true;
      }),
    );
    expect(findingFor(oauthOn, CSF)).toMatchObject({ status: 'pass', messageId: 'sipOAuth' });
    expect(findingFor(oauthOn, IP8845)).toMatchObject({ status: 'inconclusive', messageId: 'phonesOnOAuth' });
  });

  it('is inconclusive, not crashed, for a hand-built snapshot without clusterSecurity', async () => {
    const findings = await judged(
      edited((snapshot) => {
        delete (snapshot as Partial<CucmSnapshot>).clusterSecurity;
      }),
    );
    // A fake source bypasses the file loader, so the section is simply absent: every value is unknown.
    expect(findings).toHaveLength(5);
    expect(findings.every((f) => f.status === 'inconclusive' && f.messageId === 'modeUnknown')).toBe(true);
  });

  it('is inconclusive for a snapshot file written before clusterSecurity existed (the section was not collected)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mra-cucm-013-'));
    try {
      const old = readFixture('compliant') as Partial<CucmSnapshot>;
      delete old.clusterSecurity;
      const file = join(dir, 'old-snapshot.json');
      writeFileSync(file, JSON.stringify(old));
      const findings = await testCheck(RULE, {
        inventory: { domains: ['example.com'], cucm: { snapshot: file, mraDevicePools: ['MRA_DP'] } },
      });
      expect(findings).toMatchObject([{ status: 'inconclusive', target: 'deployment', messageId: 'needUnavailable' }]);
      expect(findings[0]!.message).toContain('not collected when the snapshot was written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('judges only Encrypted profiles, and says so when there is none', async () => {
    const findings = await judged(
      edited((snapshot) => {
        snapshot.clusterSecurity = { clusterSecurityMode: 'non-secure', sipOAuthMode: 'disabled' };
        for (const profile of snapshot.securityProfiles) profile.deviceSecurityMode = 'Authenticated';
      }),
    );
    expect(findings).toMatchObject([{ status: 'skipped', target: 'deployment', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toContain('MRA-CUCM-002');
  });
});

describe('MRA-CUCM-013 secure-registration-mode, live against the local HTTPS AXL server', () => {
  let axl: TestAxl | undefined;
  afterEach(async () => {
    await axl?.stop();
    axl = undefined;
  });

  const live = async (failures: Parameters<typeof startTestAxl>[1] = {}) => {
    axl = await startTestAxl(sampleCluster(), failures);
    return testScan(RULE, {
      inventory: { domains: ['example.com'], cucm: { axl: axl.axl, mraDevicePools: ['MRA_DP'] } },
      env: AXL_ENV,
      timeoutMs: 2000,
    });
  };

  it('reads processconfig and the profiles: the Jabber profile passes on SIP OAuth, the 8845 profile fails', async () => {
    const report = await live();
    expect(findingFor(report.findings, CSF)).toMatchObject({ status: 'pass', messageId: 'sipOAuth' });
    const ip8845 = findingFor(report.findings, IP8845);
    expect(ip8845).toMatchObject({ status: 'fail', messageId: 'cannotRegister' });
    expect(ip8845.evidence).toMatchObject({
      clusterSecurity: { clusterSecurityMode: 'non-secure', sipOAuthMode: 'enabled' },
      enableOAuthAuthentication: false,
    });
  });

  it('is inconclusive, naming the AXL fault, when the processconfig query fails', async () => {
    const report = await live({
      failures: [{ operation: 'executeSQLQuery', sql: /\bprocessconfig\b/, reply: AXL_FAILURES.forbidden }],
    });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.status === 'inconclusive' && f.messageId === 'needUnavailable')).toBe(true);
    expect(report.findings[0]!.message).toMatch(/clusterSecurity/);
    expect(report.findings[0]!.message).toContain('403');
  });
});

describe('MRA-CUCM-013 secure-registration-mode: messages and what to fix', () => {
  const CLUSTER_GROUP = { key: 'cluster-security', label: 'CUCM cluster security (mixed mode or SIP OAuth mode)' };
  /** The findings with these cluster values and the CSF and 8845 profiles' Enable OAuth Authentication. */
  const judge = (cluster: CucmSnapshot['clusterSecurity'], oauth: { csf?: boolean; ip8845?: boolean } = {}) =>
    judged(
      edited((snapshot) => {
        snapshot.clusterSecurity = cluster;
        for (const profile of snapshot.securityProfiles) {
          const value =
            profile.name === 'csf-mra.example.com'
              ? oauth.csf
              : profile.name === 'ip8845-mra.example.com'
                ? oauth.ip8845
                : undefined;
          if (value !== undefined) profile.enableOAuthAuthentication = value;
        }
      }),
    );

  it('with the mode unknown, names everything known to be off, and nothing when nothing is', async () => {
    const both = findingFor(await judge({ sipOAuthMode: 'disabled' }, { csf: false }), CSF);
    expect(both).toMatchObject({ status: 'inconclusive', messageId: 'modeUnknown' });
    expect(both.message).toBe(
      'Profile csf-mra.example.com (1 MRA endpoint) is Encrypted, and the CUCM configuration read does not say whether the cluster is in mixed mode, and SIP OAuth mode is disabled on the cluster and Enable OAuth Authentication is off on the profile.',
    );
    const none = findingFor(await judge({}), CSF);
    expect(none.message).toBe(
      'Profile csf-mra.example.com (1 MRA endpoint) is Encrypted, and the CUCM configuration read does not say whether the cluster is in mixed mode.',
    );
  });

  it('names every missing piece when a profile cannot register, and the cluster as the fix when SIP OAuth mode is off', async () => {
    const finding = findingFor(
      await judge({ clusterSecurityMode: 'non-secure', sipOAuthMode: 'disabled' }, { csf: false }),
      CSF,
    );
    expect(finding).toMatchObject({ status: 'fail', messageId: 'cannotRegister' });
    expect(finding.message).toBe(
      'Encrypted profile csf-mra.example.com (1 MRA endpoint) cannot register: the cluster is not in mixed mode and SIP OAuth mode is disabled on the cluster and Enable OAuth Authentication is off on the profile.',
    );
    expect(finding.group).toEqual(CLUSTER_GROUP);
  });

  it('with SIP OAuth mode on, fixes a Jabber profile on the profile, and IP phones on the cluster (mixed mode)', async () => {
    const findings = await judge(
      { clusterSecurityMode: 'non-secure', sipOAuthMode: 'enabled' },
      { csf: false, ip8845: false },
    );
    const csf = findingFor(findings, CSF);
    expect(csf).toMatchObject({ status: 'fail', messageId: 'cannotRegister' });
    expect(csf.message).toBe(
      'Encrypted profile csf-mra.example.com (1 MRA endpoint) cannot register: the cluster is not in mixed mode and Enable OAuth Authentication is off on the profile.',
    );
    expect(csf.group).toEqual({
      key: 'security-profile:csf-mra.example.com',
      label: 'phone security profile csf-mra.example.com',
    });
    const ip8845 = findingFor(findings, IP8845);
    expect(ip8845).toMatchObject({ status: 'fail', messageId: 'cannotRegister', evidence: { jabberEndpoints: false } });
    expect(ip8845.group).toEqual(CLUSTER_GROUP);
  });

  it('names where SIP OAuth is not known: the cluster or the profile, or the profile alone', async () => {
    const both = findingFor(await judge({ clusterSecurityMode: 'non-secure' }), CSF);
    expect(both).toMatchObject({ status: 'inconclusive', messageId: 'oauthUnknown' });
    expect(both.message).toBe(
      'The cluster is not in mixed mode, and the CUCM configuration read does not say whether SIP OAuth is enabled on the cluster or on the profile: the 1 MRA endpoint on Encrypted profile csf-mra.example.com may not register.',
    );
    const profile = findingFor(await judge({ clusterSecurityMode: 'non-secure', sipOAuthMode: 'enabled' }), CSF);
    expect(profile).toMatchObject({ status: 'inconclusive', messageId: 'oauthUnknown' });
    expect(profile.message).toContain('does not say whether SIP OAuth is enabled on the profile: ');
  });

  it('does not pass on SIP OAuth a profile shared by Jabber and an IP phone', async () => {
    const findings = await judged(
      edited((snapshot) => {
        snapshot.clusterSecurity = { clusterSecurityMode: 'non-secure', sipOAuthMode: 'enabled' };
        snapshot.phones = snapshot.phones.map((phone) =>
          phone.name === 'SEP00AA11BB22CC' ? { ...phone, securityProfile: 'csf-mra.example.com' } : phone,
        );
        for (const profile of snapshot.securityProfiles) profile.enableOAuthAuthentication = true;
      }),
    );
    expect(findingFor(findings, CSF)).toMatchObject({
      status: 'inconclusive',
      messageId: 'phonesOnOAuth',
      evidence: { jabberEndpoints: false, enableOAuthAuthentication: true },
    });
  });

  it('is inconclusive for a profile the snapshot does not hold', async () => {
    const findings = await judged(
      edited((snapshot) => {
        snapshot.securityProfiles = snapshot.securityProfiles.filter(
          (profile) => profile.name !== 'csf-mra.example.com',
        );
      }),
    );
    const finding = findingFor(findings, CSF);
    expect(finding).toMatchObject({
      status: 'inconclusive',
      messageId: 'profileNotInSnapshot',
      evidence: { profile: null },
    });
    expect(finding.message).toBe(
      'Phone security profile csf-mra.example.com, used by 1 MRA endpoint, is not in the CUCM configuration read: whether it is Encrypted is not known.',
    );
  });
});
