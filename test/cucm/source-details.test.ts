import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AXL_FAILURES } from '../../lab/axl-server.js';
import { askedOf, createCucmSource, loadCucmFiles, type CucmSource } from '../../src/cucm/source.js';
import { emptySnapshot, SNAPSHOT_SECTIONS, type SnapshotSection } from '../../src/cucm/snapshot.js';
import { normalizeInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';
import { Limiter } from '../../src/probes/limiter.js';
import { AXL_ENV, AXL_PASSWORD, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';
import { CUCM_FIXTURES } from '../checks/cucm/cucm-fixtures.js';

/**
 * The CUCM source's exact answers: origins, the reasons of each "no snapshot" outcome, what a
 * second collection keeps of the first, one AXL client (and session) per run, and the facts of
 * the live getCCMVersion probe (MRA-CUCM-001) on each kind of failure.
 */
let axl: TestAxl | undefined;
let source: CucmSource | undefined;
afterEach(async () => {
  await source?.close?.();
  source = undefined;
  await axl?.stop();
  axl = undefined;
});

const VERSION = sampleCluster().version;
const SNAPSHOT_FILE = join(CUCM_FIXTURES, 'compliant.json');
const BAT_FILE = join(CUCM_FIXTURES, 'bat-phones.csv');

function inventoryOf(cucm: Record<string, unknown>): Inventory {
  return normalizeInventory({ domains: ['example.com'], cucm }, '<test>', new Set());
}

function sourceFor(
  cucm: Record<string, unknown>,
  {
    env = AXL_ENV,
    timeoutMs = 5000,
    signal = new AbortController().signal,
    offline = false,
  }: { env?: NodeJS.ProcessEnv; timeoutMs?: number; signal?: AbortSignal; offline?: boolean } = {},
): CucmSource {
  source = createCucmSource({
    inventory: inventoryOf(cucm),
    offline,
    timeoutMs,
    limiter: new Limiter(8),
    signal,
    env,
  });
  return source;
}

const sections = (...names: SnapshotSection[]): ReadonlySet<SnapshotSection> => new Set(names);

describe('offline inputs and their origin', () => {
  it('names each file it read, joined with " + " when a BAT export is merged into a snapshot', async () => {
    expect(loadCucmFiles(inventoryOf({ snapshot: SNAPSHOT_FILE }))?.origin).toBe(`file ${SNAPSHOT_FILE}`);
    expect(loadCucmFiles(inventoryOf({ batPhones: BAT_FILE }))?.origin).toBe(`bat ${BAT_FILE}`);
    expect(loadCucmFiles(inventoryOf({ snapshot: SNAPSHOT_FILE, batPhones: BAT_FILE }))?.origin).toBe(
      `file ${SNAPSHOT_FILE} + bat ${BAT_FILE}`,
    );
    expect(loadCucmFiles(inventoryOf({}))).toBeUndefined();
    const result = await sourceFor({ snapshot: SNAPSHOT_FILE, batPhones: BAT_FILE }).snapshot(sections('phones'));
    expect(result.ok && result.origin).toBe(`file ${SNAPSHOT_FILE} + bat ${BAT_FILE}`);
  });

  it('a section the file lacks joins the reasons the file already holds, which are kept as written', () => {
    const snapshot = emptySnapshot({ unavailable: { regions: 'listRegion failed' }, notCollected: ['ils', 'users'] });
    expect(askedOf(snapshot, 'file x.json', sections('ils', 'regions')).unavailable).toEqual({
      regions: 'listRegion failed',
      ils: 'file x.json does not hold ils: it was not collected when the snapshot was written',
    });
  });
});

describe('no snapshot at all: the kind and the exact reason', () => {
  it('no source, an offline run, and a snapshot file that cannot be read', async () => {
    expect(await sourceFor({}).snapshot()).toEqual({
      ok: false,
      kind: 'no-source',
      reason: 'no CUCM source in the inventory (cucm.axl, cucm.snapshot or cucm.batPhones)',
    });
    const axlBlock = { url: 'https://cucm.example.com:8443/axl/', usernameEnv: 'AXL_USER', passwordEnv: 'AXL_PASS' };
    expect(await sourceFor({ axl: axlBlock }, { offline: true }).snapshot()).toEqual({
      ok: false,
      kind: 'offline',
      reason: 'offline run (--offline): no live AXL collection',
    });
    const missing = join(CUCM_FIXTURES, 'no-such-snapshot.json');
    const result = await sourceFor({ snapshot: missing }).snapshot();
    expect(result).toEqual({ ok: false, kind: 'config', reason: expect.stringContaining(missing) });
  });

  it('the AXL password is redacted from a file error, and an unset password variable is no secret', async () => {
    axl = await startTestAxl(sampleCluster());
    const leaky = join(axl.dir, `${AXL_PASSWORD}.json`);
    const redacted = await sourceFor({ snapshot: leaky, axl: axl.axl }).snapshot();
    expect(redacted).toEqual({ ok: false, kind: 'config', reason: expect.stringContaining(join(axl.dir, '***.json')) });
    expect(JSON.stringify(redacted)).not.toContain(AXL_PASSWORD);

    const plain = join(axl.dir, 'absent.json');
    const unset = await sourceFor({ snapshot: plain, axl: axl.axl }, { env: { AXL_USER: 'u' } }).snapshot();
    expect(unset).toEqual({ ok: false, kind: 'config', reason: expect.stringContaining(plain) });
  });

  it('live without the password variable: a config failure naming it, for the snapshot and getCCMVersion', async () => {
    axl = await startTestAxl(sampleCluster());
    const cucm = sourceFor({ axl: axl.axl }, { env: { AXL_USER: 'u' } });
    const reason = 'environment variable AXL_PASS (cucm.axl.passwordEnv) is not set or empty';
    expect(await cucm.snapshot()).toEqual({ ok: false, kind: 'config', reason });
    expect(await cucm.axlVersion?.()).toStrictEqual({
      ok: false,
      url: axl.url,
      kind: 'config',
      reason,
      durationMs: expect.any(Number),
      insecure: false,
    });
    expect(axl.server.requests).toHaveLength(0);
  });

  it('any other error while building the AXL client is a config failure with its message, redacted', async () => {
    axl = await startTestAxl(sampleCluster());
    const env = {
      AXL_PASS: AXL_PASSWORD,
      get AXL_USER(): string {
        throw new Error(`environment not readable (${AXL_PASSWORD})`);
      },
    };
    expect(await sourceFor({ axl: axl.axl }, { env }).snapshot()).toEqual({
      ok: false,
      kind: 'config',
      reason: 'environment not readable (***)',
    });
  });

  it('a configuration error is decided once per run: a CA file that appears later does not change it', async () => {
    axl = await startTestAxl(sampleCluster());
    const caFile = join(axl.dir, 'later-ca.pem');
    const cucm = sourceFor({ axl: { ...axl.axl, caFile } });
    const reason = `cucm.axl.caFile ${caFile} cannot be read (ENOENT)`;
    expect(await cucm.snapshot()).toEqual({ ok: false, kind: 'config', reason });
    writeFileSync(caFile, axl.caPem);
    expect(await cucm.axlVersion?.()).toMatchObject({ ok: false, kind: 'config', reason });
    expect(axl.server.requests).toHaveLength(0);
  });
});

describe('live collection, one collection after another', () => {
  it('the version and origin of the first collection; no unavailable key when every section was read', async () => {
    axl = await startTestAxl(sampleCluster());
    // The inventory may leave off the trailing slash; the origin names the URL the client used.
    const cucm = sourceFor({ axl: { ...axl.axl, url: axl.url.replace(/\/$/, '') } });
    const result = await cucm.snapshot(sections('phones'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.snapshot.version).toBe(VERSION);
    expect(result.origin).toBe(`axl ${axl.url}`);
    expect(result.snapshot.source).toBe(`axl ${axl.url}`);
    expect('unavailable' in result.snapshot).toBe(false);
  });

  it('nothing asked yet: the empty snapshot, every section not collected, named after the inventory URL', async () => {
    axl = await startTestAxl(sampleCluster());
    const result = await sourceFor({ axl: axl.axl }).snapshot(new Set());
    expect(result).toEqual({
      ok: true,
      snapshot: emptySnapshot({ notCollected: [...SNAPSHOT_SECTIONS] }),
      origin: `axl ${axl.url}`,
    });
    expect(axl.server.requests).toHaveLength(0);
  });

  it('a later collection keeps the version and the unavailable sections of the earlier one, in the same session', async () => {
    axl = await startTestAxl(sampleCluster(), {
      failures: [{ operation: 'executeSQLQuery', sql: /processconfig/, reply: AXL_FAILURES.forbidden }],
    });
    const cucm = sourceFor({ axl: axl.axl });
    const first = await cucm.snapshot(sections('clusterSecurity', 'users'));
    expect(first.ok && first.snapshot.unavailable).toEqual({ clusterSecurity: expect.stringContaining('HTTP 403') });
    const unavailable = first.ok ? first.snapshot.unavailable : undefined;
    const count = axl.server.requests.length;

    // getCCMVersion now faults: the second collection has no version of its own.
    axl.server.fail({ operation: 'getCCMVersion', reply: AXL_FAILURES.unknownRequest });
    const second = await cucm.snapshot(sections('phones'));
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.snapshot.version).toBe(VERSION);
    expect(second.snapshot.unavailable).toEqual(unavailable);
    expect(second.snapshot.phones).toEqual(sampleCluster().phones);
    const later = axl.server.requests.slice(count);
    expect(later.map((request) => request.operation).sort()).toEqual(['getCCMVersion', 'listPhone']);
    // One client for the run: the later requests carry the session cookie the first ones got.
    expect(later.map((request) => request.session)).toEqual([true, true]);
  });

  it('sections read earlier do not hide a later collection that fails as a whole', async () => {
    axl = await startTestAxl(sampleCluster());
    const cucm = sourceFor({ axl: axl.axl });
    expect((await cucm.snapshot(sections('phones'))).ok).toBe(true);
    axl.server.fail({ operation: 'getCCMVersion', reply: { status: 401, body: 'Unauthorized' } });
    expect(await cucm.snapshot(sections('phones', 'users'))).toEqual({
      ok: false,
      kind: 'unauthorized',
      reason: expect.stringContaining(`AXL getCCMVersion at ${axl.url}: HTTP 401 Unauthorized`),
    });
  });

  it('close ends the kept-alive AXL connections', async () => {
    const sockets = (): number =>
      process.getActiveResourcesInfo().filter((resource) => resource === 'TLSWrap' || resource === 'TCPSocketWrap')
        .length;
    // The sockets of the tests before this one close in the background.
    const none = async (): Promise<number> => {
      for (let waited = 0; sockets() > 0 && waited < 1000; waited += 10)
        await new Promise((resolve) => setTimeout(resolve, 10));
      return sockets();
    };
    expect(await none()).toBe(0);
    axl = await startTestAxl(sampleCluster());
    const cucm = sourceFor({ axl: axl.axl });
    expect((await cucm.snapshot(sections('phones', 'users'))).ok).toBe(true);
    expect(sockets()).toBeGreaterThan(0);
    await cucm.close?.();
    expect(await none()).toBe(0);
  });
});

describe('the live getCCMVersion probe (MRA-CUCM-001)', () => {
  it('answers the facts: URL, status, version, insecure', async () => {
    axl = await startTestAxl(sampleCluster());
    expect(await sourceFor({ axl: axl.axl }).axlVersion?.()).toStrictEqual({
      ok: true,
      url: axl.url,
      status: 200,
      version: VERSION,
      durationMs: expect.any(Number),
      insecure: false,
    });
  });

  it('HTTP 503: retried twice with a backoff of a quarter of the timeout, then the status and kind', async () => {
    const arrivals: number[] = [];
    axl = await startTestAxl(sampleCluster(), {
      intercept: (request) => {
        if (request.operation !== 'getCCMVersion') return undefined;
        arrivals.push(performance.now());
        return { status: 503, body: 'busy', contentType: 'text/plain' };
      },
    });
    const started = performance.now();
    const result = await sourceFor({ axl: axl.axl }, { timeoutMs: 400 }).axlVersion?.();
    const elapsed = performance.now() - started;
    expect(result).toStrictEqual({
      ok: false,
      url: axl.url,
      kind: 'unavailable',
      reason: `AXL getCCMVersion at ${axl.url}: HTTP 503 Service Unavailable: the Cisco AXL Web Service is not running or is throttling requests`,
      status: 503,
      durationMs: expect.any(Number),
      insecure: false,
    });
    expect(result!.durationMs).toBeLessThanOrEqual(Math.ceil(elapsed));
    // Backoff 100 ms then 200 ms (400 / 4, doubling); 500 ms would be the cap for long timeouts.
    expect(arrivals).toHaveLength(3);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(95);
    expect(arrivals[1]! - arrivals[0]!).toBeLessThan(480);
    expect(arrivals[2]! - arrivals[0]!).toBeLessThan(1000);
  });

  it('an unreachable publisher: the kind without an HTTP status, and the time it took', async () => {
    axl = await startTestAxl(sampleCluster());
    const block = axl.axl;
    await axl.server.close();
    const started = performance.now();
    const result = await sourceFor({ axl: block }).axlVersion?.();
    const elapsed = performance.now() - started;
    expect(result).toStrictEqual({
      ok: false,
      url: block.url,
      kind: 'refused',
      reason: expect.stringContaining(`AXL getCCMVersion at ${block.url}`),
      durationMs: expect.any(Number),
      insecure: false,
    });
    expect(result!.durationMs).toBeGreaterThanOrEqual(0);
    expect(result!.durationMs).toBeLessThanOrEqual(Math.ceil(elapsed));
  });

  it('the run cancelled during a retry backoff: a network failure with the cancellation reason', async () => {
    const controller = new AbortController();
    axl = await startTestAxl(sampleCluster(), {
      intercept: (request) => {
        if (request.operation !== 'getCCMVersion') return undefined;
        // The client has the 503 long before this, and waits 500 ms before its retry.
        setTimeout(() => controller.abort(new Error(`run deadline passed (${AXL_PASSWORD})`)), 100);
        return { status: 503, body: 'busy', contentType: 'text/plain' };
      },
    });
    const result = await sourceFor({ axl: axl.axl }, { signal: controller.signal }).axlVersion?.();
    expect(result).toStrictEqual({
      ok: false,
      url: axl.url,
      kind: 'network',
      reason: 'run deadline passed (***)',
      durationMs: expect.any(Number),
      insecure: false,
    });
    expect(axl.server.requests).toHaveLength(1);
  });
});
