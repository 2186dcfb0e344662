import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectSnapshot, PHONE_TAGS } from '../../src/cucm/collect.js';
import type { CucmSnapshot } from '../../src/cucm/snapshot.js';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import { generatedCluster, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

let axl: TestAxl | undefined;
afterEach(async () => {
  await axl?.stop();
  axl = undefined;
});

const withoutProvenance = (snapshot: CucmSnapshot): CucmSnapshot => ({
  ...snapshot,
  source: undefined,
  collectedAt: undefined,
});

describe('collect over AXL', () => {
  it('round-trips a snapshot: snapshot → AXL server → collect → the same snapshot', async () => {
    const cluster = sampleCluster();
    axl = await startTestAxl(cluster);
    const collected = await collectSnapshot(axl.client());
    expect(withoutProvenance(collected)).toEqual(cluster);
    expect(collected.source).toBe(`axl ${axl.url}`);
    expect(Number.isNaN(Date.parse(collected.collectedAt!))).toBe(false);
    // The TURN password is read from vendorConfig but only its presence is kept.
    expect(JSON.stringify(collected)).not.toContain('lab-turn-secret');
  });

  it('speaks AXL 15.0: SOAPAction with the version, returnedTags limited to what the snapshot needs', async () => {
    axl = await startTestAxl(sampleCluster());
    await collectSnapshot(axl.client());
    const requests = axl.server.requests;
    expect(requests.every((request) => request.soapAction === `"CUCM:DB ver=15.0 ${request.operation}"`)).toBe(true);
    const listPhone = requests.find((request) => request.operation === 'listPhone')!;
    expect(listPhone.returnedTags).toEqual([...PHONE_TAGS]);
    expect(listPhone.skip).toBe(0);
    const sql = requests.filter((request) => request.operation === 'executeSQLQuery');
    // executeSQLQuery only where no typed request carries the data: service activation, user profile.
    expect(sql.map((request) => request.sql)).toEqual([
      expect.stringMatching(/processnodeservice/),
      expect.stringMatching(/ucuserprofile/),
    ]);
  });

  it('reuses the AXL session (JSESSIONIDSSO) after the first answer', async () => {
    axl = await startTestAxl(sampleCluster());
    await collectSnapshot(axl.client());
    const requests = axl.server.requests;
    expect(requests[0]!.session).toBe(false);
    expect(requests.slice(1).every((request) => request.session)).toBe(true);
  });

  it('pages a list over several pages with skip/first, at most two requests in flight', async () => {
    const cluster = generatedCluster(95);
    axl = await startTestAxl(cluster);
    const collected = await collectSnapshot(axl.client(), { pageSize: 20 });
    expect(collected.phones).toEqual(cluster.phones);
    const pages = axl.server.requests.filter((request) => request.operation === 'listPhone');
    expect(pages.map((page) => page.skip).sort((a, b) => a! - b!)).toEqual(expect.arrayContaining([0, 20, 40, 60, 80]));
    expect(pages.every((page) => page.first === 20)).toBe(true);
    expect(axl.server.maxInFlight).toBeLessThanOrEqual(2);
    expect(axl.server.maxInFlight).toBeGreaterThanOrEqual(1);
  });

  it('keeps at most two requests in flight through the per-item get requests too', async () => {
    const cluster = sampleCluster();
    cluster.regions = Array.from({ length: 30 }, (_, index) => ({
      name: `R${index}`,
      relations: [{ region: 'R0', videoKbps: 1000 + index }],
    }));
    cluster.dateTimeGroups = Array.from({ length: 30 }, (_, index) => ({
      name: `DTG${index}`,
      phoneNtpReferences: [`10.0.0.${index}`],
    }));
    axl = await startTestAxl(cluster, { intercept: () => ({ delayMs: 20 }) });
    const collected = await collectSnapshot(axl.client());
    expect(withoutProvenance(collected)).toEqual(cluster);
    expect(axl.server.maxInFlight).toBe(2);
  });

  it('ends a list that is an exact multiple of the page size with one empty page', async () => {
    const cluster = generatedCluster(40);
    axl = await startTestAxl(cluster);
    const collected = await collectSnapshot(axl.client(), { pageSize: 20 });
    expect(collected.phones).toHaveLength(40);
    expect(collected.phones.map((phone) => phone.name)).toEqual(cluster.phones.map((phone) => phone.name));
  });

  it('re-pages with fewer rows when CUCM answers "Query request too large"', async () => {
    const cluster = generatedCluster(300);
    // About 60 phone rows fit in 16 kB; pages of 200 are refused.
    axl = await startTestAxl(cluster, { maxResponseBytes: 16 * 1024 });
    const repages: Array<{ from: number; to: number; totalRows?: number }> = [];
    const collected = await collectSnapshot(axl.client(), { pageSize: 200, onRepage: (event) => repages.push(event) });
    expect(collected.phones).toEqual(cluster.phones);
    expect(repages[0]).toMatchObject({ from: 200, totalRows: 300 });
    expect(repages[0]!.to).toBeLessThan(200);
    const firsts = axl.server.requests
      .filter((request) => request.operation === 'listPhone')
      .map((request) => request.first!);
    expect(firsts[0]).toBe(200);
    expect(Math.min(...firsts)).toBeLessThan(100);
  });

  it('retries HTTP 503 and the memory-allocation fault with backoff, then succeeds', async () => {
    const cluster = sampleCluster();
    axl = await startTestAxl(cluster, {
      intercept: (request) => {
        if (request.operation === 'listPhone' && request.count <= 2)
          return { status: 503, body: '<html>Service Unavailable</html>', contentType: 'text/html' };
        if (request.operation === 'listDevicePool' && request.count === 1) {
          return {
            fault: {
              axlcode: -1,
              message: 'Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed',
            },
          };
        }
        return undefined;
      },
    });
    const collected = await collectSnapshot(axl.client());
    expect(withoutProvenance(collected)).toEqual(cluster);
    expect(axl.server.requests.filter((request) => request.operation === 'listPhone')).toHaveLength(3);
    expect(axl.server.requests.filter((request) => request.operation === 'listDevicePool')).toHaveLength(2);
  });
});

describe('collect round-trips the CUCM fixtures', () => {
  const files = [
    'fixtures/cucm/compliant.json',
    ...readdirSync(join(PACKAGE_ROOT, 'fixtures/cucm/faults')).map((file) => `fixtures/cucm/faults/${file}`),
  ];
  it.each(files)('%s', async (file) => {
    const { $schema: _schema, ...cluster } = JSON.parse(
      readFileSync(join(PACKAGE_ROOT, file), 'utf8'),
    ) as CucmSnapshot & { $schema?: string };
    axl = await startTestAxl(cluster);
    const collected = await collectSnapshot(axl.client());
    expect(withoutProvenance(collected)).toEqual(withoutProvenance(cluster));
  });
});
