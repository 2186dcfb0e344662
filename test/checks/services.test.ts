import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Need, Services } from '../../src/checks/rule.js';
import { configurationProblems, createServices, loadedSnapshot } from '../../src/checks/services.js';
import { emptySnapshot, type CucmSnapshot, type SnapshotSection } from '../../src/cucm/snapshot.js';
import type { CucmSource } from '../../src/cucm/source.js';
import { Limiter } from '../../src/probes/limiter.js';
import { fixtureInventory } from '../helpers/check.js';

/**
 * What the engine asks the run's services before a rule runs (SPEC 4, 8.2, 8.3): whether each need
 * is configured, whether the CUCM sections are there, and what the inventory names that cannot be
 * used. Each answer decides between skipped, inconclusive and judged, so each is pinned here.
 */
const dir = mkdtempSync(join(tmpdir(), 'mra-services-'));
const readable = join(dir, 'ca.pem');
writeFileSync(readable, 'pem');
const missing = join(dir, 'missing.pem');

let opened: Services[] = [];
afterEach(async () => {
  await Promise.all(opened.map((services) => services.close()));
  opened = [];
});

function servicesFor(inventory: Record<string, unknown>, offline = false, cucm?: CucmSource): Services {
  const services = createServices({
    inventory: fixtureInventory({ inventory: { domains: ['example.com'], ...inventory } }),
    offline,
    timeoutMs: 500,
    limiter: new Limiter(2),
    signal: new AbortController().signal,
    env: {},
  });
  if (cucm) services.cucm = cucm;
  opened.push(services);
  return services;
}

const NODES = {
  nodes: [
    { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher', tls: { tomcat: '127.0.0.1:8443' } },
    { fqdn: 'expc.example.com', role: 'expressway-c' },
  ],
};

describe('availability of each need', () => {
  it.each([
    ['dns.internal', { dns: { internal: ['10.1.1.53'] } }, 'no internal resolvers in the inventory (dns.internal)'],
    ['dns.external', { dns: { external: ['198.51.100.53'] } }, 'no external resolvers in the inventory (dns.external)'],
    ['ntp', { ntp: { servers: ['10.1.1.123'] } }, 'no NTP servers in the inventory (ntp.servers)'],
    [
      'turn',
      { edge: { turn: [{ server: 'expe.example.com' }] } },
      'no TURN servers in the inventory (edge.turn) and no CUCM snapshot with ICE settings (cucm.snapshot)',
    ],
  ] as Array<[Need, Record<string, unknown>, string]>)(
    '%s: met when configured, skipped naming the key when not, skipped offline',
    async (need, configured, reason) => {
      expect(await servicesFor(configured).availability([need])).toBeUndefined();
      expect(await servicesFor({}).availability([need])).toEqual({ status: 'skipped', reason });
      expect(await servicesFor(configured, true).availability([need])).toEqual({
        status: 'skipped',
        reason: 'offline run (--offline): no network I/O',
      });
    },
  );

  it('turn: met by a CUCM snapshot file, whose ICE settings name TURN servers', async () => {
    const snapshot = join(dir, 'snapshot.json');
    expect(await servicesFor({ cucm: { snapshot, mraDevicePools: [] } }).availability(['turn'])).toBeUndefined();
  });

  it('certificates: live endpoints unless offline, certificate files always', async () => {
    expect(await servicesFor(NODES).availability(['certificates'])).toBeUndefined();
    expect(await servicesFor(NODES, true).availability(['certificates'])).toEqual({
      status: 'skipped',
      reason: 'offline run (--offline): no network I/O, and no certificate files in the inventory (certificates)',
    });
    expect(
      await servicesFor({ nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher', tls: {} }] }).availability([
        'certificates',
      ]),
    ).toEqual({
      status: 'skipped',
      reason: 'no TLS endpoints (nodes[].tls) and no certificate files (certificates) in the inventory',
    });
    const files = {
      nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
      certificates: [{ node: 'cucm-pub.example.com', service: 'tomcat', file: readable }],
    };
    expect(await servicesFor(files, true).availability(['certificates'])).toBeUndefined();
  });

  it('expressway: met by an Expressway node, online or not', async () => {
    expect(await servicesFor(NODES, true).availability(['expressway'])).toBeUndefined();
    expect(await servicesFor({}).availability(['expressway'])).toEqual({
      status: 'skipped',
      reason: 'no Expressway nodes in the inventory (nodes[].role expressway-c / expressway-e)',
    });
  });

  it('cucm: files always, live AXL only online, nothing without a source', async () => {
    const axl = { url: 'https://cucm-pub.example.com:8443/axl/', version: '15.0', usernameEnv: 'U', passwordEnv: 'P' };
    const snapshot = join(dir, 'snapshot.json');
    expect(await servicesFor({ cucm: { snapshot, mraDevicePools: [] } }, true).availability(['cucm'])).toBeUndefined();
    expect(
      await servicesFor({ cucm: { batPhones: join(dir, 'phones.csv'), mraDevicePools: [] } }, true).availability([
        'cucm',
      ]),
    ).toBeUndefined();
    expect(await servicesFor({ cucm: { axl, mraDevicePools: [] } }).availability(['cucm'])).toBeUndefined();
    expect(await servicesFor({ cucm: { axl, mraDevicePools: [] } }, true).availability(['cucm'])).toEqual({
      status: 'skipped',
      reason: 'offline run (--offline): no network I/O, and no snapshot or BAT export (cucm.snapshot, cucm.batPhones)',
    });
    expect(await servicesFor({}).availability(['cucm'])).toEqual({
      status: 'skipped',
      reason: 'no CUCM source in the inventory (cucm.axl, cucm.snapshot or cucm.batPhones)',
    });
  });

  it('names the first need that is not met, and none when every need is', async () => {
    const services = servicesFor({ ntp: { servers: ['10.1.1.123'] } });
    expect(await services.availability(['ntp', 'dns.internal', 'dns.external'])).toEqual({
      status: 'skipped',
      reason: 'no internal resolvers in the inventory (dns.internal)',
    });
    expect(await services.availability([])).toBeUndefined();
  });
});

describe('availability of CUCM sections', () => {
  const snapshotFile = { cucm: { snapshot: join(dir, 'snapshot.json'), mraDevicePools: ['MRA_DP'] } };
  const serving = (snapshot: CucmSnapshot, asked: Array<ReadonlySet<SnapshotSection>> = []): CucmSource => ({
    snapshot: async (sections) => {
      asked.push(sections ?? new Set());
      return { ok: true, snapshot, origin: 'phones.csv' };
    },
  });

  it('collects only the sections the selected rules declared (prepare), and none for other needs', async () => {
    const asked: Array<ReadonlySet<SnapshotSection>> = [];
    const services = servicesFor(snapshotFile, false, serving(emptySnapshot(), asked));
    services.prepare(new Set<Need>(['cucm.phones', 'cucm.regions', 'ntp', 'cucm']));
    expect(await services.availability(['cucm.phones'])).toBeUndefined();
    expect([...asked[0]!].sort()).toEqual(['phones', 'regions']);
    expect(await services.availability(['cucm'])).toBeUndefined();
    expect(asked).toHaveLength(1);
  });

  it('skips a rule whose sections a BAT export does not carry, naming them and the source', async () => {
    const services = servicesFor(
      snapshotFile,
      false,
      serving(emptySnapshot({ absentSections: ['devicePools', 'regions', 'users'] })),
    );
    expect(await services.availability(['cucm.phones', 'cucm.devicePools', 'cucm.regions'])).toEqual({
      status: 'skipped',
      reason:
        'the CUCM source (phones.csv) has no devicePools, regions; a BAT phone export carries phones only, so add cucm.snapshot or cucm.axl',
    });
    expect(await services.availability(['cucm.phones'])).toBeUndefined();
  });

  it('is inconclusive for a section that could not be read, with each reason, or when nothing could be', async () => {
    const partial = servicesFor(
      snapshotFile,
      false,
      serving(emptySnapshot({ unavailable: { regions: 'AXL fault 5007', users: 'HTTP 403' } })),
    );
    expect(await partial.availability(['cucm.phones', 'cucm.regions', 'cucm.users'])).toEqual({
      status: 'inconclusive',
      reason: 'the CUCM regions (AXL fault 5007), users (HTTP 403) could not be read',
    });
    expect(await partial.availability(['cucm.phones'])).toBeUndefined();
    const failed = servicesFor(snapshotFile, false, { snapshot: async () => ({ ok: false, reason: 'HTTP 401' }) });
    expect(await failed.availability(['cucm.phones'])).toEqual({
      status: 'inconclusive',
      reason: 'the CUCM configuration could not be read: HTTP 401',
    });
    await expect(loadedSnapshot(failed)).rejects.toThrow('the CUCM snapshot is unavailable: HTTP 401');
  });
});

describe('configurationProblems (SPEC 8.3)', () => {
  const inventory = (extra: Record<string, unknown>) =>
    fixtureInventory({ inventory: { domains: ['example.com'], ...extra }, inventoryFile: join(dir, 'inventory.yaml') });
  const axlNeeds = new Set<Need>(['cucm.phones']);
  const axl = (extra: Record<string, unknown> = {}) => ({
    cucm: {
      axl: { url: 'https://cucm:8443/axl/', version: '15.0', usernameEnv: 'AXL_U', passwordEnv: 'AXL_P', ...extra },
      mraDevicePools: [],
    },
  });
  const problems = (inv: ReturnType<typeof inventory>, needs: Set<Need>, offline = false, env = {}) =>
    configurationProblems(inv, needs, { offline, env }).map((problem) => `${problem.path}: ${problem.message}`);

  it('names unset AXL variables and an unreadable caFile, only for a live AXL source a CUCM rule needs', () => {
    const bad = inventory(axl({ caFile: missing }));
    expect(problems(bad, axlNeeds)).toEqual([
      '$.cucm.axl.usernameEnv: environment variable AXL_U is not set or empty: export it before the run',
      '$.cucm.axl.passwordEnv: environment variable AXL_P is not set or empty: export it before the run',
      `$.cucm.axl.caFile: caFile ${missing} does not exist`,
    ]);
    expect(configurationProblems(bad, axlNeeds, { offline: false, env: {} })[0]!.file).toBe(
      join(dir, 'inventory.yaml'),
    );
    expect(problems(bad, axlNeeds, false, { AXL_U: 'u', AXL_P: '' })).toEqual([
      '$.cucm.axl.passwordEnv: environment variable AXL_P is not set or empty: export it before the run',
      `$.cucm.axl.caFile: caFile ${missing} does not exist`,
    ]);
    expect(problems(inventory(axl({ caFile: readable })), axlNeeds, false, { AXL_U: 'u', AXL_P: 'p' })).toEqual([]);
    // Not needed: offline, no CUCM rule, or a snapshot file in place of AXL.
    expect(problems(bad, axlNeeds, true)).toEqual([]);
    expect(problems(bad, new Set<Need>(['ntp']))).toEqual([]);
    expect(problems(bad, new Set<Need>(['cucm']))).toHaveLength(3);
    const withFile = inventory({ cucm: { ...axl({ caFile: missing }).cucm, snapshot: readable } });
    expect(problems(withFile, axlNeeds)).toEqual([]);
  });

  it('names unset or empty status.xml variables and caFile of each Expressway, online only', () => {
    const inv = inventory({
      nodes: [
        { fqdn: 'expc.example.com', role: 'expressway-c', version: 'X14.3' },
        {
          fqdn: 'expe.example.com',
          role: 'expressway-e',
          status: { url: 'https://expe/status.xml', usernameEnv: 'E_U', passwordEnv: 'E_P', caFile: missing },
        },
      ],
    });
    const needs = new Set<Need>(['expressway']);
    expect(problems(inv, needs, false, { E_U: 'x' })).toEqual([
      '$.nodes[1].status.passwordEnv: environment variable E_P is not set or empty: export it before the run',
      `$.nodes[1].status.caFile: caFile ${missing} does not exist`,
    ]);
    expect(problems(inv, needs, true)).toEqual([]);
    expect(problems(inv, new Set<Need>(['ntp']))).toEqual([]);
  });

  it('names unreadable certificate and trust store files for the certificate rules, offline too', () => {
    const inv = inventory({
      nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
      certificates: [
        { node: 'cucm-pub.example.com', service: 'tomcat', file: readable },
        { node: 'cucm-pub.example.com', service: 'callmanager', file: missing },
      ],
      trust: [{ node: 'cucm-pub.example.com', store: 'tomcat-trust', path: missing }],
    });
    const expected = [
      `$.certificates[1].file: certificate file ${missing} does not exist`,
      `$.trust[0].path: trust store ${missing} does not exist`,
    ];
    expect(problems(inv, new Set<Need>(['certificates']), true)).toEqual(expected);
    expect(problems(inv, new Set<Need>(['dns.internal']), true)).toEqual([]);
  });

  it('names the outside view: clientTrust and discovery credentials for external rules, TURN credentials for turn', () => {
    const inv = inventory({
      edge: {
        clientTrust: [readable, missing],
        discovery: { usernameEnv: 'D_U', passwordEnv: 'D_P' },
        turn: [{ server: 'expe.example.com', usernameEnv: 'T_U', passwordEnv: 'T_P' }],
      },
    });
    expect(problems(inv, new Set<Need>(['dns.external']), false, { D_U: 'u' })).toEqual([
      `$.edge.clientTrust[1]: clientTrust file ${missing} does not exist`,
      '$.edge.discovery.passwordEnv: environment variable D_P is not set or empty: export it before the run',
    ]);
    expect(problems(inv, new Set<Need>(['dns.external']), true)).toEqual([]);
    expect(problems(inv, new Set<Need>(['turn']), false, { T_P: 'p' })).toEqual([
      '$.edge.turn[0].usernameEnv: environment variable T_U is not set or empty: export it before the run',
    ]);
    expect(problems(inv, new Set<Need>(['turn']), true)).toEqual([]);
    expect(problems(inventory({}), new Set<Need>(['turn', 'dns.external']))).toEqual([]);
  });
});
