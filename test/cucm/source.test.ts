import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AXL_FAILURES } from '../../lab/axl-server.js';
import { createCucmSource, defaultSections, type CucmSource } from '../../src/cucm/source.js';
import { SNAPSHOT_SECTIONS, type CucmSnapshot, type SnapshotSection } from '../../src/cucm/snapshot.js';
import { normalizeInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';
import { Limiter } from '../../src/probes/limiter.js';
import { AXL_ENV, AXL_PASSWORD, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

/**
 * The CUCM source as the engine uses it (SPEC 8.2): it asks AXL only for the sections it is given,
 * collects each set once, keeps what could be read when one section fails, and turns a snapshot
 * file's missing sections into unavailable ones.
 */
let axl: TestAxl | undefined;
let source: CucmSource | undefined;
afterEach(async () => {
  await source?.close?.();
  source = undefined;
  await axl?.stop();
  axl = undefined;
});

function inventoryOf(cucm: Record<string, unknown>, clusters = 1): Inventory {
  return normalizeInventory({ domains: ['example.com'], clusters, cucm }, '<test>', new Set());
}

function sourceFor(inventory: Inventory, env: NodeJS.ProcessEnv = AXL_ENV): CucmSource {
  source = createCucmSource({
    inventory,
    offline: false,
    timeoutMs: 5000,
    limiter: new Limiter(8),
    signal: new AbortController().signal,
    env,
  });
  return source;
}

const operations = (): string[] => [...new Set(axl!.server.requests.map((request) => request.operation))].sort();

describe('the live CUCM source', () => {
  it('requests only the sections asked for, once; a later subset reuses them, new sections are added', async () => {
    const cluster = sampleCluster();
    axl = await startTestAxl(cluster);
    const cucm = sourceFor(inventoryOf({ axl: axl.axl, mraDevicePools: ['MRA_DP'] }));

    const first = await cucm.snapshot(new Set<SnapshotSection>(['phones', 'securityProfiles']));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.snapshot.phones).toEqual(cluster.phones);
    expect(first.snapshot.securityProfiles).toEqual(cluster.securityProfiles);
    expect(first.snapshot.notCollected).toEqual(
      SNAPSHOT_SECTIONS.filter((section) => section !== 'phones' && section !== 'securityProfiles'),
    );
    expect(operations()).toEqual(['getCCMVersion', 'listPhone', 'listPhoneSecurityProfile']);

    const count = axl.server.requests.length;
    const again = await cucm.snapshot(new Set<SnapshotSection>(['phones']));
    expect(again.ok && again.snapshot.phones).toEqual(cluster.phones);
    expect(axl.server.requests).toHaveLength(count);

    const more = await cucm.snapshot(new Set<SnapshotSection>(['phones', 'clusterSecurity']));
    expect(more.ok && more.snapshot.clusterSecurity).toEqual(cluster.clusterSecurity);
    const added = axl.server.requests.slice(count).map((request) => request.operation);
    expect(added.sort()).toEqual(['executeSQLQuery', 'getCCMVersion']);
    expect(more.ok && more.snapshot.phones).toEqual(cluster.phones);
  });

  it('by default asks every section but ILS with one cluster, and ILS too with two', async () => {
    axl = await startTestAxl(sampleCluster());
    const one = await sourceFor(inventoryOf({ axl: axl.axl })).snapshot();
    expect(one.ok && one.snapshot.notCollected).toEqual(['ils']);
    expect(operations()).not.toContain('getIlsConfig');
    expect([...defaultSections(inventoryOf({}, 3))]).toContain('ils');

    await source!.close?.();
    axl.server.resetStats();
    const two = await sourceFor(inventoryOf({ axl: axl.axl }, 2)).snapshot();
    expect(two.ok && two.snapshot.ils).toEqual({ configured: true, role: 'Hub Cluster' });
    expect(two.ok && two.snapshot.notCollected).toBeUndefined();
    expect(operations()).toContain('getIlsConfig');
  });

  it('a section whose request fails is unavailable with its reason; the others are there', async () => {
    const cluster = sampleCluster();
    axl = await startTestAxl(cluster, {
      failures: [{ operation: 'executeSQLQuery', sql: /processconfig/, reply: AXL_FAILURES.forbidden }],
    });
    const result = await sourceFor(inventoryOf({ axl: axl.axl })).snapshot(
      new Set<SnapshotSection>(['clusterSecurity', 'users']),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.snapshot.unavailable).toEqual({ clusterSecurity: expect.stringContaining('HTTP 403 Forbidden') });
    expect(result.snapshot.users).toEqual(cluster.users);
    expect(result.origin).toBe(`axl ${axl.url}`);
  });

  it('nothing readable (401) → ok: false with the kind and one reason, no password', async () => {
    axl = await startTestAxl(sampleCluster());
    const result = await sourceFor(inventoryOf({ axl: axl.axl }), {
      ...AXL_ENV,
      AXL_PASS: 'Not-The-Password-42',
    }).snapshot();
    expect(result).toEqual({ ok: false, kind: 'unauthorized', reason: expect.stringContaining('HTTP 401') });
    expect(JSON.stringify(result)).not.toContain('Not-The-Password-42');
    expect(JSON.stringify(result)).not.toContain(AXL_PASSWORD);
    // The other requests queued behind the refused getCCMVersion were not sent one by one.
    expect(axl.server.requests.length).toBeLessThanOrEqual(3);
  });
});

describe('snapshot files as a source', () => {
  it('a section the file was written without is unavailable when asked, not an empty list', async () => {
    axl = await startTestAxl(sampleCluster());
    const file = join(axl.dir, 'no-ils.json');
    const { clusterSecurity: _dropped, ...older } = sampleCluster();
    writeFileSync(file, JSON.stringify({ ...older, ils: { configured: false }, notCollected: ['ils'] }));
    const cucm = sourceFor(inventoryOf({ snapshot: file }));
    const result = await cucm.snapshot(new Set<SnapshotSection>(['ils', 'clusterSecurity', 'phones']));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.snapshot.unavailable).toEqual({
      ils: expect.stringContaining('was not collected'),
      clusterSecurity: expect.stringContaining('was not collected'),
    });
    expect(result.snapshot.phones).toHaveLength(3);
    // Not asked, not reported: phones alone are complete.
    const phones = await cucm.snapshot(new Set<SnapshotSection>(['phones']));
    expect(phones.ok && phones.snapshot.unavailable).toBeUndefined();
    expect(axl.server.requests).toHaveLength(0);
  });

  it('a file written by a partial collect behaves as the live scan did', async () => {
    axl = await startTestAxl(sampleCluster());
    const file = join(axl.dir, 'partial.json');
    const partial: CucmSnapshot = {
      ...sampleCluster(),
      regions: [],
      unavailable: { regions: 'AXL listRegion at https://cucm/axl/: AXL fault (axlcode 5002): Unknown Request' },
    };
    writeFileSync(file, JSON.stringify(partial));
    const result = await sourceFor(inventoryOf({ snapshot: file })).snapshot(new Set<SnapshotSection>(['regions']));
    expect(result.ok && result.snapshot.unavailable).toEqual(partial.unavailable);
  });

  it('offline without a file, and no source at all → ok: false with the kind', async () => {
    const offline = createCucmSource({
      inventory: inventoryOf({
        axl: { url: 'https://cucm.example.com:8443/axl/', usernameEnv: 'U', passwordEnv: 'P' },
      }),
      offline: true,
      timeoutMs: 1000,
      limiter: new Limiter(1),
      signal: new AbortController().signal,
      env: {},
    });
    expect(await offline.snapshot()).toMatchObject({ ok: false, kind: 'offline' });
    expect(await offline.axlVersion?.()).toBeUndefined();
    const none = sourceFor(inventoryOf({}));
    expect(await none.snapshot()).toMatchObject({ ok: false, kind: 'no-source' });
  });
});
