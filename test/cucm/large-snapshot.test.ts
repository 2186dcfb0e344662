import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importBatPhones } from '../../src/cucm/bat.js';
import { loadSnapshotFile } from '../../src/cucm/snapshot-file.js';
import type { CucmSnapshot, EndUser, Phone } from '../../src/cucm/snapshot.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { Limiter } from '../../src/probes/limiter.js';
import { runScan } from '../../src/engine/run.js';
import type { Services } from '../../src/checks/rule.js';
import { createServices } from '../../src/checks/services.js';
import { fixtureInventory } from '../helpers/check.js';
import { CUCM_FIXTURES, fakeCucm, readFixture } from '../checks/cucm/cucm-fixtures.js';

const PHONES = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'mra-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * 100,000 phones: 60% in the MRA pool (Jabber CSF/TCT and 8845/7841 desk phones), the rest at HQ;
 * every 500th phone (all in the MRA pool) sits on the non-secure profile, so MRA-CUCM-006 has 200 failures to report.
 */
function largeSnapshot(): CucmSnapshot {
  const base = readFixture('compliant');
  const phones: Phone[] = [];
  const users: EndUser[] = [];
  for (let i = 0; i < PHONES; i++) {
    const mra = i % 5 < 3;
    const kind = i % 4;
    const model =
      kind === 0
        ? 'Cisco Unified Client Services Framework'
        : kind === 1
          ? 'Cisco Dual Mode for iPhone'
          : kind === 2
            ? 'Cisco 8845'
            : 'Cisco 7841';
    const prefix = kind === 0 ? 'CSF' : kind === 1 ? 'TCT' : 'SEP';
    const profile = !mra
      ? 'Cisco 7841 - Standard SIP Non-Secure Profile'
      : i % 500 === 0
        ? 'Cisco 7841 - Standard SIP Non-Secure Profile'
        : ['csf-mra.example.com', 'tct-mra.example.com', 'ip8845-mra.example.com', 'ip7841-mra.example.com'][kind]!;
    const owner = `user${Math.floor(i / 2)}`;
    phones.push({
      name: `${prefix}${i.toString(16).toUpperCase().padStart(12, '0')}`,
      model,
      protocol: 'SIP',
      devicePool: mra ? 'MRA_DP' : 'HQ_DP',
      securityProfile: profile,
      commonPhoneProfile: 'MRA Common Phone Profile',
      owner,
    });
    if (i % 2 === 0) users.push({ userid: owner, userProfile: 'MRA Jabber Users', jabber: kind === 0 });
  }
  return { ...base, phones, users };
}

describe('a 100,000-phone snapshot', () => {
  it('loads, validates and runs every CUCM rule', async () => {
    const file = join(dir, 'large.json');
    writeFileSync(file, JSON.stringify(largeSnapshot()));
    const started = performance.now();
    const snapshot = loadSnapshotFile(file);
    const loadedMs = performance.now() - started;
    expect(snapshot.phones).toHaveLength(PHONES);

    const inventory = fixtureInventory({
      inventory: { domains: ['example.com'], cucm: { snapshot: file, mraDevicePools: ['MRA_DP'] }, clusters: 2 },
    });
    const real = createServices({
      inventory,
      offline: true,
      timeoutMs: 5000,
      limiter: new Limiter(8),
      signal: new AbortController().signal,
      env: {},
    });
    const services: Services = Object.assign(real, fakeCucm(snapshot, `file ${file}`));
    const scanStarted = performance.now();
    const report = await runScan({
      inventory,
      catalog: await loadCatalog(),
      only: ['cucm', 'MRA-NTP-004'],
      skip: ['MRA-CUCM-001'],
      offline: true,
      services,
    });
    const scanMs = performance.now() - scanStarted;

    const applied = report.findings.filter((f) => f.ruleId === 'MRA-CUCM-006');
    expect(applied.filter((f) => f.status === 'fail')).toHaveLength(200);
    expect(applied.find((f) => f.target === 'MRA endpoints')!.message).toMatch(new RegExp(`: ${60_000 - 200}\\.$`));
    expect(report.findings.filter((f) => f.status === 'inconclusive')).toEqual([]);
    // MRA-CUCM-002..013 and MRA-NTP-004 (MRA-CUCM-001 is live only).
    expect(new Set(report.findings.map((f) => f.ruleId)).size).toBe(13);

    // Figures for the report, not assertions: the machine is shared.
    const sizeMb = statSync(file).size / 1e6;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `100k-phone snapshot: ${sizeMb.toFixed(1)} MB JSON, load+validate ${loadedMs.toFixed(0)} ms, ` +
        `12 CUCM rules ${scanMs.toFixed(0)} ms (${report.findings.length} findings), peak RSS ${peakRssMb.toFixed(0)} MB`,
    );
  });

  it('imports a 100,000-row BAT All Details export', () => {
    // The sample's header and one row per phone, as wide as the sample (24 columns).
    const [header, row] = readFileSync(join(CUCM_FIXTURES, 'bat-phones.csv'), 'utf8').split('\r\n');
    const lines = [header];
    for (let i = 0; i < PHONES; i++)
      lines.push(row!.replace('CSFJDOE', `CSF${i.toString(16).toUpperCase().padStart(12, '0')}`));
    const file = join(dir, 'large.csv');
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    const started = performance.now();
    const phones = importBatPhones(file);
    const ms = performance.now() - started;
    expect(phones).toHaveLength(PHONES);
    expect(phones[PHONES - 1]).toMatchObject({
      devicePool: 'MRA_DP',
      securityProfile: 'csf-mra.example.com',
      enableExtensionMobility: false,
    });
    console.log(`100k-row BAT export: ${(statSync(file).size / 1e6).toFixed(1)} MB CSV, import ${ms.toFixed(0)} ms`);
  });
});
