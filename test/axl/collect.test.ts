import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AXL_FAILURES, type AxlServerReply } from '../../lab/axl-server.js';
import {
  collectSnapshot,
  listAll,
  OAUTH_TAG,
  PHONE_TAGS,
  SECTION_REQUESTS,
  SECURITY_PROFILE_TAGS,
} from '../../src/cucm/collect.js';
import { SNAPSHOT_SECTIONS, type CucmSnapshot, type SnapshotSection } from '../../src/cucm/snapshot.js';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import { AxlError } from '../../src/probes/axl/errors.js';
import { AXL_PASSWORD, generatedCluster, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

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

/** What a section holds when it could not be read: nothing, never a guess. */
const EMPTY: Record<SnapshotSection, unknown> = {
  services: [],
  phones: [],
  securityProfiles: [],
  devicePools: [],
  dateTimeGroups: [],
  regions: [],
  commonPhoneProfiles: [],
  userProfiles: [],
  users: [],
  ils: { configured: false },
  clusterSecurity: {},
};

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
    // Service activation comes from the typed listProcessNodeService, not from SQL.
    expect(requests.find((request) => request.operation === 'listProcessNodeService')!.returnedTags).toEqual([
      'processNodeName',
      'service',
      'enable',
    ]);
    // executeSQLQuery only where no typed request carries the data: user profiles, enterprise parameters.
    const sql = requests.filter((request) => request.operation === 'executeSQLQuery').map((request) => request.sql);
    expect(sql).toHaveLength(2);
    expect(sql).toEqual(
      expect.arrayContaining([expect.stringMatching(/ from processconfig /), expect.stringMatching(/ucuserprofile/)]),
    );
  });

  it('reuses the AXL session (JSESSIONIDSSO) once the first answer handed it out', async () => {
    axl = await startTestAxl(sampleCluster());
    await collectSnapshot(axl.client());
    const requests = axl.server.requests;
    // The first two requests leave together (two in flight from the start); every later one has the cookie.
    expect(requests[0]!.session).toBe(false);
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.slice(2).every((request) => request.session)).toBe(true);
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

  it('keeps two requests in flight across sections: one queue, not section after section', async () => {
    const cluster = generatedCluster(200);
    cluster.regions = Array.from({ length: 12 }, (_, index) => ({
      name: `R${index}`,
      relations: [{ region: 'R0', videoKbps: 1000 + index }],
    }));
    axl = await startTestAxl(cluster, { intercept: () => ({ delayMs: 15 }) });
    const collected = await collectSnapshot(axl.client(), { pageSize: 40 });
    expect(withoutProvenance(collected)).toEqual(cluster);
    expect(axl.server.maxInFlight).toBe(2);
    const operations = axl.server.requests.map((request) => request.operation);
    // Phone pages, user pages and the small sections' lists interleave; the gets fill in.
    const lastPhonePage = operations.lastIndexOf('listPhone');
    expect(operations.indexOf('listUser')).toBeLessThan(lastPhonePage);
    expect(operations.indexOf('listRegion')).toBeLessThan(lastPhonePage);
    expect(operations.filter((operation) => operation === 'getRegion')).toHaveLength(12);
  });

  it('gives a free place to a waiting page before a waiting item: long requests first, short ones fill', async () => {
    axl = await startTestAxl(generatedCluster(30), { intercept: () => ({ delayMs: 20 }) });
    const client = axl.client({ maxInFlight: 1 });
    const list = (skip: number): string =>
      `<searchCriteria><name>%</name></searchCriteria><returnedTags><name/></returnedTags><skip>${skip}</skip><first>10</first>`;
    // One place: the first request takes it, then the others wait in the order they were asked.
    await Promise.all([
      client.call('getCCMVersion', '<processNodeName/>'),
      client.call('getRegion', '<name>Default</name>').catch(() => undefined),
      client.fetchPage('listPhone', list(0)),
      client.call('getCCMVersion', '<processNodeName/>'),
      client.fetchPage('listPhone', list(10)),
    ]);
    const order = axl.server.requests.map((request) =>
      request.operation === 'listPhone' ? `listPhone ${request.skip}` : request.operation,
    );
    expect(order).toEqual(['getCCMVersion', 'listPhone 0', 'listPhone 10', 'getRegion', 'getCCMVersion']);
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
    expect(collected.unavailable).toBeUndefined();
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

  it('asks only the sections it is given; the others are listed as not collected', async () => {
    const cluster = sampleCluster();
    axl = await startTestAxl(cluster);
    const collected = await collectSnapshot(axl.client(), { sections: new Set(['phones', 'clusterSecurity']) });
    expect(collected.phones).toEqual(cluster.phones);
    expect(collected.clusterSecurity).toEqual(cluster.clusterSecurity);
    expect(collected.notCollected).toEqual(SNAPSHOT_SECTIONS.filter((s) => s !== 'phones' && s !== 'clusterSecurity'));
    expect(collected.users).toEqual([]);
    const operations = new Set(axl.server.requests.map((request) => request.operation));
    expect([...operations].sort()).toEqual(['executeSQLQuery', 'getCCMVersion', 'listPhone']);
    expect(axl.server.requests.find((request) => request.operation === 'executeSQLQuery')!.sql).toMatch(
      /processconfig/,
    );
  });
});

describe('CUCM under load (the lab in throttling mode)', () => {
  it('collects everything through 503s, memory faults and "too large" answers', async () => {
    const cluster = generatedCluster(600);
    axl = await startTestAxl(cluster, {
      // One request at a time and a small memory: two in flight draw 503s and memory faults.
      throttle: { maxRequestsInFlight: 1, maxBytesInFlight: 40 * 1024, latencyMs: 10, perRowMicros: 20 },
      maxResponseBytes: 24 * 1024,
    });
    const repages: number[] = [];
    const collected = await collectSnapshot(axl.client({ retries: 8, retryBaseMs: 5 }), {
      pageSize: 150,
      onRepage: (event) => repages.push(event.to),
    });
    expect(withoutProvenance(collected)).toEqual(cluster);
    const stats = axl.server.stats();
    expect(stats.unavailable).toBeGreaterThan(0);
    expect(stats.memoryFaults + stats.tooLarge).toBeGreaterThan(0);
    expect(stats.tooLarge).toBeGreaterThan(0);
    expect(repages.length).toBeGreaterThan(0);
    expect(stats.peakInFlight).toBeLessThanOrEqual(2);
  });

  it('with CUCM defaults (4 in flight, 16 MB), two in flight never draw a 503', async () => {
    const cluster = generatedCluster(2000);
    axl = await startTestAxl(cluster, { throttle: {} });
    const collected = await collectSnapshot(axl.client(), { pageSize: 500 });
    expect(withoutProvenance(collected)).toEqual(cluster);
    expect(axl.server.stats()).toMatchObject({ unavailable: 0, memoryFaults: 0, tooLarge: 0, peakInFlight: 2 });
  });
});

describe('the lab refuses what CUCM refuses (AXL 15.0 schema)', () => {
  it('a returnedTags element the list type does not define → a fault naming it and the type', async () => {
    axl = await startTestAxl(sampleCluster());
    // listUser cannot return userProfile (LUser lacks it; only getUser has it).
    const error = await listAll(axl.client(), 'user', ['userid', 'userProfile'], (values) => [...values], {
      searchCriteria: { userid: '%' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxlError);
    expect((error as AxlError).kind).toBe('fault');
    expect((error as AxlError).message).toContain('userProfile is not an element of LUser');
    // And the phone list's own tags all pass.
    await expect(listAll(axl.client(), 'phone', PHONE_TAGS, (values) => [...values])).resolves.toHaveLength(3);
  });

  it('a searchCriteria element the request lacks, or none at all → a fault', async () => {
    axl = await startTestAxl(sampleCluster());
    const client = axl.client();
    await expect(
      listAll(client, 'phone', ['name'], (values) => [...values], { searchCriteria: { userid: '%' } }),
    ).rejects.toThrow(/userid is not an element of listPhone/);
    await expect(client.call('listRegion', '<searchCriteria/><returnedTags><name/></returnedTags>')).rejects.toThrow(
      /at least one element under searchCriteria/,
    );
  });

  it('the EnableOAuthAuthentication tag is asked only from AXL 12.5 on', async () => {
    axl = await startTestAxl(sampleCluster(), { versions: ['11.5', '15.0'] });
    const old = await collectSnapshot(axl.client({ version: '11.5' }), { sections: new Set(['securityProfiles']) });
    const asked = axl.server.requests.find((request) => request.operation === 'listPhoneSecurityProfile')!;
    expect(asked.returnedTags).toEqual([...SECURITY_PROFILE_TAGS]);
    expect(old.securityProfiles.every((profile) => profile.enableOAuthAuthentication === undefined)).toBe(true);
    axl.server.resetStats();
    const current = await collectSnapshot(axl.client(), { sections: new Set(['securityProfiles']) });
    expect(
      axl.server.requests.find((request) => request.operation === 'listPhoneSecurityProfile')!.returnedTags,
    ).toEqual([...SECURITY_PROFILE_TAGS, OAUTH_TAG]);
    expect(current.securityProfiles).toEqual(sampleCluster().securityProfiles);
  });
});

describe('MRA-CUCM-013 data: cluster security mode, SIP OAuth, profile OAuth', () => {
  const cases: Array<[string, CucmSnapshot['clusterSecurity']]> = [
    ['mixed mode, SIP OAuth off', { clusterSecurityMode: 'mixed', sipOAuthMode: 'disabled' }],
    ['non-secure, SIP OAuth on', { clusterSecurityMode: 'non-secure', sipOAuthMode: 'enabled' }],
    ['a release without the SIP OAuth parameter', { clusterSecurityMode: 'non-secure' }],
    ['neither parameter readable', {}],
  ];
  it.each(cases)('%s: snapshot → lab AXL → collect gives the same values', async (_name, clusterSecurity) => {
    const cluster = { ...sampleCluster(), clusterSecurity };
    cluster.securityProfiles = cluster.securityProfiles.map((profile, index) => ({
      ...profile,
      enableOAuthAuthentication: index % 2 === 0,
    }));
    axl = await startTestAxl(cluster);
    const collected = await collectSnapshot(axl.client());
    expect(collected.clusterSecurity).toEqual(clusterSecurity);
    expect(collected.securityProfiles).toEqual(cluster.securityProfiles);
    expect(collected.unavailable).toBeUndefined();
  });

  it('a processconfig value other than 0 or 1 → clusterSecurity unavailable, not guessed', async () => {
    const odd =
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
      `<ns:executeSQLQueryResponse xmlns:ns="http://www.cisco.com/AXL/API/15.0"><return>` +
      `<row><paramname>ClusterSecurityMode</paramname><paramvalue>7</paramvalue></row>` +
      `</return></ns:executeSQLQueryResponse></soapenv:Body></soapenv:Envelope>`;
    axl = await startTestAxl(sampleCluster(), {
      failures: [{ operation: 'executeSQLQuery', sql: /processconfig/, reply: { status: 200, body: odd } }],
    });
    const collected = await collectSnapshot(axl.client());
    expect(collected.unavailable).toEqual({ clusterSecurity: expect.stringContaining('ClusterSecurityMode is "7"') });
    expect(collected.clusterSecurity).toEqual({});
  });
});

describe('one failed request costs its section only (SPEC 8.2)', () => {
  const cluster = sampleCluster();
  let shared: TestAxl;
  beforeAll(async () => {
    shared = await startTestAxl(cluster);
  });
  afterAll(async () => {
    await shared.stop();
  });

  const failures: Array<[string, AxlServerReply, RegExp]> = [
    ['fault 5002', AXL_FAILURES.unknownRequest, /axlcode 5002\): Unknown Request/],
    ['fault 5007', AXL_FAILURES.itemNotValid, /axlcode 5007\): Item not valid/],
    ['HTTP 403', AXL_FAILURES.forbidden, /HTTP 403 Forbidden/],
    ['timeout', AXL_FAILURES.timeout, /no complete answer within 1000 ms \(timeout\)/],
    ['malformed', AXL_FAILURES.malformed, /not a complete SOAP envelope/],
  ];
  const cases = SNAPSHOT_SECTIONS.flatMap((section) =>
    SECTION_REQUESTS[section].flatMap((request) =>
      failures.map(
        ([kind, reply, reason]) =>
          [
            `${section}: ${request.operation}${request.sql ? ` ${request.sql.source}` : ''} → ${kind}`,
            section,
            request,
            reply,
            reason,
          ] as const,
      ),
    ),
  );

  it.each(cases)('%s', async (_name, section, request, reply, reason) => {
    shared.server.clearFailures();
    shared.server.fail({ operation: request.operation, ...(request.sql ? { sql: request.sql } : {}), reply });
    // Only the request that never answers may time out, even on a loaded machine.
    const collected = await collectSnapshot(
      shared.client({ timeoutMs: reply === AXL_FAILURES.timeout ? 1000 : 10_000 }),
    );
    expect(Object.keys(collected.unavailable ?? {})).toEqual([section]);
    expect(collected.unavailable![section]).toMatch(reason);
    expect(collected.unavailable![section]).toContain(request.operation);
    expect(collected.unavailable![section]).not.toContain(AXL_PASSWORD);
    expect(collected[section]).toEqual(EMPTY[section]);
    for (const other of SNAPSHOT_SECTIONS.filter((candidate) => candidate !== section))
      expect(collected[other], other).toEqual(cluster[other]);
    expect(collected.version).toBe(cluster.version);
  });

  it('every section failing with a fault → nothing could be read: the first failure is thrown', async () => {
    shared.server.clearFailures();
    for (const section of SNAPSHOT_SECTIONS)
      for (const request of SECTION_REQUESTS[section])
        shared.server.fail({ ...request, reply: AXL_FAILURES.unknownRequest });
    const error = await collectSnapshot(shared.client()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxlError);
    expect((error as AxlError).message).toContain('axlcode 5002');
    shared.server.clearFailures();
  });
});

describe('collect round-trips the CUCM fixtures', () => {
  const files = [
    'fixtures/cucm/compliant.json',
    ...readdirSync(join(PACKAGE_ROOT, 'fixtures/cucm/faults')).map((file) => `fixtures/cucm/faults/${file}`),
  ];
  it.each(files)('%s', async (file) => {
    const { $schema: _schema, ...fixture } = JSON.parse(
      readFileSync(join(PACKAGE_ROOT, file), 'utf8'),
    ) as CucmSnapshot & {
      $schema?: string;
    };
    // Fixtures written before MRA-CUCM-013 carry no clusterSecurity: the lab then has no processconfig rows.
    const cluster: CucmSnapshot = { ...fixture, clusterSecurity: fixture.clusterSecurity ?? {} };
    axl = await startTestAxl(cluster);
    const collected = await collectSnapshot(axl.client());
    expect(withoutProvenance(collected)).toEqual(withoutProvenance(cluster));
  });
});
