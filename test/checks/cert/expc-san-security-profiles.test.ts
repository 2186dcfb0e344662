import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySnapshot, type CucmSnapshot } from '../../../src/cucm/snapshot.js';
import type { CucmSource } from '../../../src/cucm/source.js';
import { AXL_ENV, AXL_PASSWORD, startTestAxl, type TestAxl } from '../../helpers/axl-server.js';
import { testCheck } from '../../helpers/check.js';
import { leafFor, testPki } from '../../helpers/pki.js';
import { startDeployment, type Deployment } from '../../helpers/pki-deployment.js';

const RULE = 'MRA-CERT-005';

const profile = (name: string, deviceSecurityMode: string) => ({
  name,
  phoneType: 'Cisco 8845',
  protocol: 'SIP',
  deviceSecurityMode,
  transportType: 'TLS',
  tftpEncryptedConfig: false,
});
const phone = (name: string, devicePool: string, securityProfile: string) => ({
  name,
  model: 'Cisco 8845',
  protocol: 'SIP',
  devicePool,
  securityProfile,
});

const snapshot: CucmSnapshot = emptySnapshot({
  version: '15.0.1.11900(31)',
  phones: [
    phone('SEP00AA11BB22CC', 'MRA_DP', 'ip8845-mra.example.com'),
    phone('CSFJDOE', 'MRA_DP', 'csf-mra.example.com'),
    phone('TCTJDOE', 'MRA_DP', 'tct-mra.example.com'),
    phone('SEP001122334455', 'HQ_DP', 'hq-only.example.com'),
    phone('SEP665544332211', 'MRA_DP', 'Standard SIP Non-Secure Profile'),
  ],
  securityProfiles: [
    profile('ip8845-mra.example.com', 'Encrypted'),
    profile('csf-mra.example.com', 'Encrypted'),
    profile('tct-mra.example.com', 'Encrypted'),
    profile('hq-only.example.com', 'Encrypted'),
    profile('Standard SIP Non-Secure Profile', 'Non Secure'),
  ],
});

const fakeCucm = (result: Awaited<ReturnType<CucmSource['snapshot']>>): CucmSource => ({
  snapshot: async () => result,
});

describe('MRA-CERT-005 expc-san-security-profiles', () => {
  let complete: Deployment;
  let missing: Deployment;
  beforeAll(async () => {
    const { intermediateA } = testPki();
    const expc = (sans: string[]) => ({
      leaf: leafFor('expc.example.com', intermediateA, { sans }),
      chain: [intermediateA],
    });
    complete = await startDeployment({
      presented: {
        expc: expc(['expc.example.com', 'ip8845-mra.example.com', 'CSF-MRA.example.com', 'tct-mra.example.com']),
      },
    });
    missing = await startDeployment({
      presented: { expc: expc(['expc.example.com', 'ip8845-mra.example.com', 'csf-mra.example.com']) },
    });
    for (const deployment of [complete, missing]) {
      writeFileSync(join(deployment.dir, 'snapshot.json'), JSON.stringify(snapshot));
      (deployment.inventory.cucm as Record<string, unknown>).snapshot = 'snapshot.json';
    }
  });
  afterAll(async () => {
    await complete?.close();
    await missing?.close();
  });

  it('passes when the SANs list every Encrypted profile MRA phones use', async () => {
    const findings = await testCheck(RULE, {
      inventory: complete.inventory,
      inventoryFile: complete.inventoryFile,
      services: { cucm: fakeCucm({ ok: true, snapshot, origin: 'test' }) },
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ target: complete.targets.expc, status: 'pass' });
    expect(findings[0]?.evidence.requiredProfiles).toHaveLength(3);
  });

  it('fails naming exactly the missing profile (non-MRA pools and non-Encrypted profiles ignored)', async () => {
    const findings = await testCheck(RULE, {
      inventory: missing.inventory,
      inventoryFile: missing.inventoryFile,
      services: { cucm: fakeCucm({ ok: true, snapshot, origin: 'test' }) },
    });
    expect(findings[0]).toMatchObject({ status: 'fail', messageId: 'missingProfiles', severity: 'error' });
    expect(findings[0]?.message).toContain('does not list tct-mra.example.com in its SANs');
    expect(findings[0]?.evidence.missingProfiles).toEqual(['tct-mra.example.com']);
  });

  describe('with the CUCM side collected live from the HTTPS AXL lab server', () => {
    let axl: TestAxl | undefined;
    afterAll(async () => {
      await axl?.stop();
    });
    const liveCheck = async (deployment: Deployment) => {
      axl ??= await startTestAxl(snapshot);
      const inventory = { ...deployment.inventory, cucm: { axl: axl.axl, mraDevicePools: ['MRA_DP'] } };
      const findings = await testCheck(RULE, { inventory, inventoryFile: deployment.inventoryFile, env: AXL_ENV });
      expect(JSON.stringify(findings)).not.toContain(AXL_PASSWORD);
      return findings;
    };

    it('passes when the SANs list every Encrypted profile the MRA phones read over AXL use', async () => {
      const findings = await liveCheck(complete);
      expect(findings).toMatchObject([{ target: complete.targets.expc, status: 'pass', messageId: 'allListed' }]);
      expect(axl!.server.requests.map((request) => request.operation)).toContain('listPhone');
    });

    it('fails naming the profile the SANs lack', async () => {
      const findings = await liveCheck(missing);
      expect(findings).toMatchObject([{ status: 'fail', messageId: 'missingProfiles' }]);
      expect(findings[0]?.evidence.missingProfiles).toEqual(['tct-mra.example.com']);
    });
  });

  it('is inconclusive when the CUCM snapshot cannot be had', async () => {
    const findings = await testCheck(RULE, {
      inventory: missing.inventory,
      inventoryFile: missing.inventoryFile,
      services: { cucm: fakeCucm({ ok: false, reason: 'AXL answered 401' }) },
    });
    expect(findings[0]).toMatchObject({ status: 'inconclusive', messageId: 'needUnavailable' });
    expect(findings[0]?.message).toContain('AXL answered 401');
  });

  it('is skipped without MRA device pools, and without a CUCM source', async () => {
    const noPools = { ...missing.inventory, cucm: { snapshot: 'snapshot.json', mraDevicePools: [] } };
    const [finding] = await testCheck(RULE, {
      inventory: noPools,
      inventoryFile: missing.inventoryFile,
      services: { cucm: fakeCucm({ ok: true, snapshot, origin: 'test' }) },
    });
    expect(finding).toMatchObject({ status: 'skipped', target: 'deployment' });
    const noCucm = { ...missing.inventory, cucm: { mraDevicePools: ['MRA_DP'] } };
    const [skipped] = await testCheck(RULE, { inventory: noCucm, inventoryFile: missing.inventoryFile });
    expect(skipped).toMatchObject({ status: 'skipped', messageId: 'needUnavailable' });
  });
});
