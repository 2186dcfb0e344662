import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CucmSnapshot } from '../../src/cucm/snapshot.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import { runScan } from '../../src/engine/run.js';
import type { Finding } from '../../src/engine/types.js';
import { fixtureInventory } from '../helpers/check.js';
import { AXL_ENV, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

let axl: TestAxl | undefined;
afterEach(async () => {
  await axl?.stop();
  axl = undefined;
});

const NODES = [{ fqdn: 'cucm-pub.example.com', ip: '10.1.1.10', role: 'cucm-publisher' }];
const verdicts = (findings: Finding[]): string[] =>
  findings
    .filter((finding) => finding.ruleId !== 'MRA-CUCM-001')
    .map((finding) => `${finding.ruleId} ${finding.target} ${finding.status} ${finding.messageId}`)
    .sort();

async function scan(cucm: Record<string, unknown>, offline: boolean): Promise<Finding[]> {
  const inventory = fixtureInventory({
    inventory: { domains: ['example.com'], nodes: NODES, clusters: 2, cucm: { mraDevicePools: ['MRA_DP'], ...cucm } },
  });
  const report = await runScan({
    inventory,
    catalog: await loadCatalog(),
    only: ['cucm', 'MRA-NTP-004'],
    offline,
    timeoutMs: 3000,
    env: { ...process.env, ...AXL_ENV },
  });
  return report.findings;
}

describe('the CUCM rules give the same verdicts live over AXL as offline from the snapshot file', () => {
  const files = [
    'fixtures/cucm/compliant.json',
    ...readdirSync(join(PACKAGE_ROOT, 'fixtures/cucm/faults')).map((file) => `fixtures/cucm/faults/${file}`),
  ];
  it.each(files)('%s', async (file) => {
    const path = join(PACKAGE_ROOT, file);
    const cluster = JSON.parse(readFileSync(path, 'utf8')) as CucmSnapshot;
    axl = await startTestAxl(cluster);
    const offline = await scan({ snapshot: path }, true);
    const live = await scan({ axl: axl.axl }, false);
    expect(live.filter((finding) => finding.messageId === 'needUnavailable')).toEqual([]);
    expect(verdicts(live)).toEqual(verdicts(offline));
    expect(verdicts(live).length).toBeGreaterThan(5);
  });
});
