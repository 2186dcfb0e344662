import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptySnapshot } from '../../../src/cucm/snapshot.js';
import type { CucmSource } from '../../../src/cucm/source.js';
import { testCheck } from '../../helpers/check.js';
import { leafFor, tempDir, testPki, writePem } from '../../helpers/pki.js';

/**
 * MRA-CERT-005 on an exported Expressway-C certificate (offline) and an in-memory CUCM snapshot:
 * exact messages for listed, missing and wildcard-only profiles, the profiles required, and when
 * there is nothing to compare.
 */
const RULE = 'MRA-CERT-005';

const profile = (name: string, deviceSecurityMode = 'Encrypted') => ({
  name,
  phoneType: 'Cisco 8845',
  protocol: 'SIP',
  deviceSecurityMode,
  transportType: 'TLS',
  tftpEncryptedConfig: false,
});
const phone = (name: string, securityProfile: string, devicePool = 'MRA_DP') => ({
  name,
  model: 'Cisco 8845',
  protocol: 'SIP',
  devicePool,
  securityProfile,
});

const SNAPSHOT = emptySnapshot({
  version: '15.0.1.11900(31)',
  phones: [
    phone('SEP00AA11BB22CC', 'ip8845-mra.example.com'),
    phone('CSFJDOE', 'csf-mra.example.com'),
    phone('SEP00AA11BB22DD', 'Encrypted-8845'),
    phone('SEP665544332211', 'Standard SIP Non-Secure Profile'),
  ],
  securityProfiles: [
    profile('ip8845-mra.example.com'),
    profile('csf-mra.example.com'),
    profile('Encrypted-8845'),
    profile('Standard SIP Non-Secure Profile', 'Non Secure'),
  ],
});

const cucm = (snapshot = SNAPSHOT): CucmSource => ({ snapshot: async () => ({ ok: true, snapshot, origin: 'test' }) });

/** The rule on an Expressway-C certificate file with these SANs (or no Expressway-C at all). */
async function judge(sans: string[] | undefined, pools = ['MRA_DP', 'MRA2_DP'], snapshot = SNAPSHOT) {
  const { rootA, intermediateA } = testPki();
  const dir = tempDir();
  writePem(dir, 'root-a.pem', rootA);
  writePem(dir, 'cucm.pem', leafFor('cucm-pub.example.com', intermediateA), intermediateA);
  if (sans) writePem(dir, 'expc.pem', leafFor('expc.example.com', intermediateA, { sans }), intermediateA);
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshot));
  return testCheck(RULE, {
    offline: true,
    inventoryFile: join(dir, 'inventory.yaml'),
    inventory: {
      domains: ['example.com'],
      nodes: [
        { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' },
        { fqdn: 'expc.example.com', role: 'expressway-c' },
      ],
      certificates: [
        { node: 'cucm-pub.example.com', service: 'tomcat', file: 'cucm.pem' },
        ...(sans ? [{ node: 'expc.example.com', service: 'server', file: 'expc.pem' }] : []),
      ],
      trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: 'root-a.pem' }],
      cucm: { snapshot: 'snapshot.json', mraDevicePools: pools },
    },
    services: { cucm: cucm(snapshot) },
  });
}

const summary = (findings: Awaited<ReturnType<typeof judge>>) =>
  findings.map(({ target, status, messageId, message }) => ({ target, status, messageId, message }));

describe('MRA-CERT-005 in detail', () => {
  it('passes, naming every profile listed, with the profiles required as evidence', async () => {
    const findings = await judge([
      'expc.example.com',
      'ip8845-mra.example.com',
      'CSF-MRA.example.com',
      'encrypted-8845',
    ]);
    expect(summary(findings)).toEqual([
      {
        target: 'expc.pem',
        status: 'pass',
        messageId: 'allListed',
        message:
          'The certificate of expc.pem lists every Encrypted phone security profile used by MRA endpoints in its SANs (ip8845-mra.example.com, csf-mra.example.com, Encrypted-8845).',
      },
    ]);
    expect(findings[0]!.evidence.requiredProfiles).toEqual([
      { profile: 'ip8845-mra.example.com', mraPhones: 1, examplePhones: ['SEP00AA11BB22CC'] },
      { profile: 'csf-mra.example.com', mraPhones: 1, examplePhones: ['CSFJDOE'] },
      { profile: 'Encrypted-8845', mraPhones: 1, examplePhones: ['SEP00AA11BB22DD'] },
    ]);
  });

  it('does not count a wildcard, naming the wildcards that would have matched', async () => {
    const findings = await judge(['expc.example.com', '*.example.com', '*.unrelated.org']);
    expect(summary(findings)).toEqual([
      {
        target: 'expc.pem',
        status: 'fail',
        messageId: 'wildcardOnly',
        message:
          'The certificate of expc.pem does not list ip8845-mra.example.com, csf-mra.example.com, Encrypted-8845 in its SANs; the wildcard *.example.com does not count: Expressway does not support wildcard certificates, so each profile name must be a SAN of its own.',
      },
    ]);
  });

  it('names every missing profile when no wildcard is involved', async () => {
    const findings = await judge(['expc.example.com', 'ip8845-mra.example.com']);
    expect(summary(findings)).toEqual([
      {
        target: 'expc.pem',
        status: 'fail',
        messageId: 'missingProfiles',
        message:
          'The certificate of expc.pem does not list csf-mra.example.com, Encrypted-8845 in its SANs; Expressway-C presents these profile names to CUCM when it proxies TLS registrations of MRA phones.',
      },
    ]);
  });

  it('has nothing to compare without an Expressway-C certificate, MRA pools or Encrypted profiles', async () => {
    const nothing = (findings: Awaited<ReturnType<typeof judge>>) => {
      expect(findings).toMatchObject([{ target: 'deployment', status: 'skipped', messageId: 'nothingInScope' }]);
      return findings[0]!.message;
    };
    expect(nothing(await judge(undefined))).toBe('Nothing to examine: no Expressway-C certificate in the inventory.');
    expect(nothing(await judge(['expc.example.com'], []))).toBe(
      'Nothing to examine: no MRA device pools in the inventory (cucm.mraDevicePools).',
    );
    const nonSecure = emptySnapshot({
      version: '15.0.1.11900(31)',
      phones: [phone('SEP665544332211', 'Standard SIP Non-Secure Profile')],
      securityProfiles: [profile('Standard SIP Non-Secure Profile', 'Non Secure')],
    });
    expect(nothing(await judge(['expc.example.com'], ['MRA_DP', 'MRA2_DP'], nonSecure))).toBe(
      'Nothing to examine: no Encrypted phone security profile is used by phones in the MRA device pools (MRA_DP, MRA2_DP).',
    );
  });
});
