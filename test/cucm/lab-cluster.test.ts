import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/cucm/collect.js';
import { loadSnapshotFile } from '../../src/cucm/snapshot-file.js';
import { ALL_CHECKS } from '../../src/checks/index.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { Limiter } from '../../src/probes/limiter.js';
import { runScan } from '../../src/engine/run.js';
import { createServices, type Services } from '../../src/checks/services.js';
import type { Finding, Report } from '../../src/engine/types.js';
import { LAB_CLUSTER } from '../../lab/cluster.js';
import { LAB_ENCRYPTED_PROFILES } from '../../lab/topology.js';
import { AXL_ENV, AXL_PASSWORD, startTestAxl, type TestAxl } from '../helpers/axl-server.js';
import { fixtureInventory } from '../helpers/check.js';
import { fakeCucm } from '../checks/cucm/cucm-fixtures.js';

const RULES = [
  'MRA-CUCM-002',
  'MRA-CUCM-003',
  'MRA-CUCM-004',
  'MRA-CUCM-005',
  'MRA-CUCM-006',
  'MRA-CUCM-007',
  'MRA-CUCM-008',
  'MRA-CUCM-009',
  'MRA-CUCM-010',
  'MRA-CUCM-011',
  'MRA-CUCM-012',
  'MRA-NTP-004',
];

/** The acceptance list, verdict by verdict. */
const EXPECTED: Array<[string, string, string]> = [
  ['MRA-CUCM-002', 'security profile csf-mra.example.com', 'pass'],
  ['MRA-CUCM-002', 'security profile tct-mra.example.com', 'pass'],
  ['MRA-CUCM-002', 'security profile ip8845-mra.example.com', 'pass'],
  ['MRA-CUCM-002', 'security profile Cisco 7841 - Standard SIP Authenticated Profile', 'fail'],
  ['MRA-CUCM-003', 'security profile csf-mra.example.com', 'pass'],
  ['MRA-CUCM-003', 'security profile tct-mra.example.com', 'pass'],
  ['MRA-CUCM-003', 'security profile ip8845-mra.example.com', 'pass'],
  ['MRA-CUCM-003', 'security profile Cisco 7841 - Standard SIP Authenticated Profile', 'fail'],
  ['MRA-CUCM-004', 'security profile csf-mra.example.com', 'pass'],
  ['MRA-CUCM-004', 'security profile tct-mra.example.com', 'pass'],
  ['MRA-CUCM-004', 'security profile ip8845-mra.example.com', 'pass'],
  ['MRA-CUCM-004', 'security profile Cisco 7841 - Standard SIP Authenticated Profile', 'fail'],
  ['MRA-CUCM-005', 'security profile ip8845-mra.example.com', 'fail'],
  ['MRA-CUCM-005', 'security profile Cisco 7841 - Standard SIP Authenticated Profile', 'pass'],
  ['MRA-CUCM-006', 'phone SEP00AA11BB22DD', 'fail'],
  ['MRA-CUCM-006', 'MRA endpoints', 'pass'],
  ['MRA-CUCM-007', 'device pool MRA_DP', 'pass'],
  ['MRA-CUCM-008', 'device pool MRA_DP', 'fail'],
  ['MRA-CUCM-009', 'common phone profile MRA Common Phone Profile', 'pass'],
  ['MRA-CUCM-010', 'user profile MRA Jabber Users', 'fail'],
  ['MRA-CUCM-011', 'user profile MRA Jabber Users', 'fail'],
  ['MRA-CUCM-012', 'deployment', 'skipped'],
  ['MRA-NTP-004', 'device pool MRA_DP', 'fail'],
];

function verdicts(findings: readonly Finding[]): Array<[string, string, string]> {
  return findings.map((finding): [string, string, string] => [finding.ruleId, finding.target, finding.status]);
}

async function scan(
  inventory: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  fake?: Partial<Services>,
): Promise<Report> {
  const resolved = fixtureInventory({ inventory });
  const real = createServices({
    inventory: resolved,
    offline: false,
    timeoutMs: 5000,
    limiter: new Limiter(8),
    signal: new AbortController().signal,
    env,
  });
  const services: Services = { ...real, ...fake, close: () => real.close() };
  try {
    return await runScan({
      inventory: resolved,
      catalog: loadCatalog(),
      checks: ALL_CHECKS,
      only: RULES,
      services,
      timeoutMs: 5000,
    });
  } finally {
    await services.close();
  }
}

function expectAcceptance(report: Report): void {
  expect(verdicts(report.findings).sort()).toEqual([...EXPECTED].sort());
  // Phones and profiles of the HQ pool are not MRA endpoints: nothing may name them.
  const text = JSON.stringify(report.findings);
  for (const outside of [
    'SEP0011223344AA',
    'SEP0011223344BB',
    'SEP0011223344CC',
    'Non-Secure Profile',
    'Standard (Factory Default)',
    'HQ_DP',
  ]) {
    expect(text).not.toContain(outside);
  }
}

describe('the demo lab cluster', () => {
  it('uses only the shared Encrypted profile names for its Encrypted profiles', () => {
    const encrypted = LAB_CLUSTER.securityProfiles
      .filter((p) => p.deviceSecurityMode === 'Encrypted')
      .map((p) => p.name);
    expect(encrypted.sort()).toEqual([...LAB_ENCRYPTED_PROFILES].sort());
  });

  it('gives every acceptance verdict from the snapshot', async () => {
    const report = await scan(
      { domains: ['example.com'], cucm: { snapshot: 'unused.json', mraDevicePools: ['MRA_DP'] } },
      {},
      fakeCucm(LAB_CLUSTER, 'lab'),
    );
    expectAcceptance(report);
  });
});

describe('the CUCM rules against the lab cluster over real HTTPS AXL', () => {
  let axl: TestAxl;
  beforeAll(async () => {
    axl = await startTestAxl(LAB_CLUSTER);
  });
  afterAll(async () => {
    await axl?.stop();
  });

  it('collects the cluster live and gives every acceptance verdict, with the AXL password nowhere in the report', async () => {
    const report = await scan(
      { domains: ['example.com'], cucm: { axl: axl.axl, mraDevicePools: ['MRA_DP'] } },
      { ...AXL_ENV },
    );
    expectAcceptance(report);
    const ntp = report.findings.find((f) => f.ruleId === 'MRA-NTP-004')!;
    expect(ntp.evidence).toMatchObject({ dateTimeGroup: 'CMLocal-MRA', phoneNtpReferences: [] });
    const video = report.findings.find((f) => f.ruleId === 'MRA-CUCM-008')!;
    expect(video.message).toContain('HQ_Region (384 kbps)');
    expect(JSON.stringify(report)).not.toContain(AXL_PASSWORD);
    // The lab AXL server sends a TURN password in the profile's ICE settings; only "set" may remain.
    expect(JSON.stringify(report)).not.toContain('lab-turn-secret');
    const ice = report.findings.find((f) => f.ruleId === 'MRA-CUCM-009')!;
    expect(ice.evidence).toMatchObject({ ice: { turnPasswordSet: true } });
  });

  it('round-trips: what collect writes validates against the snapshot schema and equals the served cluster', async () => {
    const collected = await collectSnapshot(axl.client());
    const file = join(axl.dir, 'collected.json');
    writeFileSync(file, JSON.stringify(collected));
    const loaded = loadSnapshotFile(file);
    const { source: _source, collectedAt: _at, ...rest } = loaded;
    const sortByName = <T extends { name: string }>(items: T[]): T[] =>
      [...items].sort((a, b) => a.name.localeCompare(b.name));
    const normal = (s: typeof LAB_CLUSTER): unknown => ({
      ...s,
      phones: sortByName(s.phones),
      securityProfiles: sortByName(s.securityProfiles),
      devicePools: sortByName(s.devicePools),
      regions: sortByName(s.regions).map((r) => ({
        ...r,
        relations: [...r.relations].sort((a, b) => a.region.localeCompare(b.region)),
      })),
      users: [...s.users].sort((a, b) => a.userid.localeCompare(b.userid)),
    });
    expect(normal(rest as typeof LAB_CLUSTER)).toEqual(normal(LAB_CLUSTER));
  });
});
