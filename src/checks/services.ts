import { accessSync, constants } from 'node:fs';
import { createCertificateSource } from '../cert/source.js';
import type { CucmSnapshot, SnapshotSection } from '../cucm/snapshot.js';
import { createCucmSource, type CucmSource } from '../cucm/source.js';
import { createEdgeSource } from '../edge/source.js';
import { createExpresswaySource } from '../expressway/source.js';
import type { Inventory } from '../inventory/types.js';
import { EXPRESSWAY_ROLES } from '../inventory/types.js';
import { createDnsProbe } from '../probes/dns.js';
import { createNtpProbe } from '../probes/ntp.js';
import type { Problem } from '../inventory/problems.js';
import type { ProbeOptions } from '../probes/options.js';
import type { Need, Services, Unavailable } from './rule.js';

/** The probes' options plus the offline inputs already read and validated by the caller. */
export interface ServiceOptions extends ProbeOptions {
  inputs?: ScanInputs;
}

export interface ScanInputs {
  cucmFiles?: { snapshot: CucmSnapshot; origin: string };
}

const OFFLINE = 'offline run (--offline): no network I/O';

const skipped = (reason: string): Unavailable => ({ status: 'skipped', reason });

/** Whether the inventory configures what a need asks for (before any I/O). */
function configured(need: Need, inventory: Inventory, offline: boolean): Unavailable | undefined {
  switch (need) {
    case 'dns.internal':
      if (offline) return skipped(OFFLINE);
      return inventory.dns.internal.length === 0
        ? skipped('no internal resolvers in the inventory (dns.internal)')
        : undefined;
    case 'dns.external':
      if (offline) return skipped(OFFLINE);
      return inventory.dns.external.length === 0
        ? skipped('no external resolvers in the inventory (dns.external)')
        : undefined;
    case 'ntp':
      if (offline) return skipped(OFFLINE);
      return inventory.ntp.servers.length === 0 ? skipped('no NTP servers in the inventory (ntp.servers)') : undefined;
    case 'certificates': {
      const live = !offline && inventory.nodes.some((node) => node.tls && Object.keys(node.tls).length > 0);
      if (live || inventory.certificates.length > 0) return undefined;
      return skipped(
        offline
          ? `${OFFLINE}, and no certificate files in the inventory (certificates)`
          : 'no TLS endpoints (nodes[].tls) and no certificate files (certificates) in the inventory',
      );
    }
    case 'turn': {
      if (offline) return skipped(OFFLINE);
      const fromFiles = inventory.cucm.snapshot !== undefined;
      return (inventory.edge?.turn.length ?? 0) > 0 || fromFiles
        ? undefined
        : skipped(
            'no TURN servers in the inventory (edge.turn) and no CUCM snapshot with ICE settings (cucm.snapshot)',
          );
    }
    case 'expressway':
      return inventory.nodes.some((node) => EXPRESSWAY_ROLES.includes(node.role))
        ? undefined
        : skipped('no Expressway nodes in the inventory (nodes[].role expressway-c / expressway-e)');
    default: {
      const { axl, snapshot, batPhones } = inventory.cucm;
      if (snapshot || batPhones) return undefined;
      if (!axl) return skipped('no CUCM source in the inventory (cucm.axl, cucm.snapshot or cucm.batPhones)');
      return offline ? skipped(`${OFFLINE}, and no snapshot or BAT export (cucm.snapshot, cucm.batPhones)`) : undefined;
    }
  }
}

const sectionOf = (need: Need): SnapshotSection | undefined =>
  need.startsWith('cucm.') ? (need.slice('cucm.'.length) as SnapshotSection) : undefined;

/**
 * Whether the CUCM configuration read has the sections a rule needs: a BAT export lacks most
 * (skipped); a section whose requests failed is unavailable (inconclusive, with the AXL reason).
 */
async function sectionAvailability(
  cucm: CucmSource,
  prepared: ReadonlySet<SnapshotSection>,
  wanted: readonly SnapshotSection[],
): Promise<Unavailable | undefined> {
  const result = await cucm.snapshot(prepared);
  if (!result.ok)
    return { status: 'inconclusive', reason: `the CUCM configuration could not be read: ${result.reason}` };
  const { snapshot, origin } = result;
  const absent = wanted.filter((section) => snapshot.absentSections?.includes(section));
  if (absent.length > 0) {
    return skipped(
      `the CUCM source (${origin}) has no ${absent.join(', ')}; a BAT phone export carries phones only, so add cucm.snapshot or cucm.axl`,
    );
  }
  const unread = wanted.flatMap((section) => {
    const reason = snapshot.unavailable?.[section];
    return reason === undefined ? [] : [`${section} (${reason})`];
  });
  if (unread.length > 0) return { status: 'inconclusive', reason: `the CUCM ${unread.join(', ')} could not be read` };
  return undefined;
}

/**
 * The probes and sources of one run. Each caches its results, so rules that look at the same
 * peer (MRA-NTP-001..003 on one server, MRA-CERT-* on one endpoint) share one exchange, and the
 * CUCM source collects only the sections the selected rules declared.
 */
export function createServices(options: ServiceOptions): Services {
  const dns = createDnsProbe(options);
  const ntp = createNtpProbe(options);
  const certificates = createCertificateSource(options);
  const cucm = createCucmSource(options);
  const expressway = createExpresswaySource(options);
  const edge = createEdgeSource(options, dns);
  let sections = new Set<SnapshotSection>();
  // Methods read the sources through `services`, so a test that swaps one (a fake CUCM source)
  // swaps it for availability too.
  const services: Services = {
    dns,
    ntp,
    certificates,
    cucm,
    expressway,
    edge,
    prepare(needs) {
      sections = new Set([...needs].map(sectionOf).filter((section) => section !== undefined));
    },
    async availability(needs) {
      const missing = needs.map((need) => configured(need, options.inventory, options.offline)).find(Boolean);
      if (missing) return missing;
      const wanted = needs.map(sectionOf).filter((section) => section !== undefined);
      return wanted.length > 0 ? sectionAvailability(services.cucm, sections, wanted) : undefined;
    },
    async close() {
      const sources = [services.dns, services.ntp, services.certificates, services.cucm, services.expressway];
      await Promise.allSettled(sources.map((service) => service.close?.()));
    },
  };
  return services;
}

/** The CUCM configuration of the run and where it came from, for a rule whose needs the engine has met. */
export async function loadedSnapshot(services: Services): Promise<{ snapshot: CucmSnapshot; origin: string }> {
  const result = await services.cucm.snapshot(new Set());
  if (!result.ok) throw new Error(`the CUCM snapshot is unavailable: ${result.reason}`);
  return result;
}

export async function snapshotOf(services: Services): Promise<CucmSnapshot> {
  return (await loadedSnapshot(services)).snapshot;
}

/** A file or folder the run will read, or the problem with it (SPEC 8.3: found before the run, not during it). */
function unreadable(path: string): string | undefined {
  try {
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
  }
}

/**
 * SPEC 8.3: everything the inventory names for the needs of the selected rules, checked before any
 * probe runs: environment variables named by usernameEnv/passwordEnv are set and non-empty (unless
 * offline), and caFile, certificate, trust store and clientTrust files are readable. Each problem
 * names the file and the JSON path and says what to do; the run then stops with exit 2 instead of
 * reporting a configuration mistake as an inconclusive finding.
 */
export function configurationProblems(
  inventory: Inventory,
  needs: ReadonlySet<Need>,
  options: { offline: boolean; env: NodeJS.ProcessEnv },
): Problem[] {
  const file = inventory.source;
  const problems: Problem[] = [];
  const needsFile = (path: string | undefined, at: string, what: string): void => {
    const problem = path === undefined ? undefined : unreadable(path);
    if (problem) problems.push({ file, path: at, message: `${what} ${path} ${problem}` });
  };
  const needsEnv = (name: string | undefined, at: string): void => {
    if (options.offline || name === undefined || options.env[name]) return;
    problems.push({
      file,
      path: at,
      message: `environment variable ${name} is not set or empty: export it before the run`,
    });
  };
  const has = (prefix: string): boolean => [...needs].some((need) => need === prefix || need.startsWith(`${prefix}.`));
  const axl = inventory.cucm.axl;
  const liveAxl = axl && !options.offline && !inventory.cucm.snapshot && !inventory.cucm.batPhones;
  if (has('cucm') && liveAxl) {
    if (!axl.usernameEnv)
      problems.push({
        file,
        path: '$.cucm.axl.usernameEnv',
        message: 'is required: name the variable holding the AXL user',
      });
    if (!axl.passwordEnv)
      problems.push({
        file,
        path: '$.cucm.axl.passwordEnv',
        message: 'is required: name the variable holding the AXL password',
      });
    needsEnv(axl.usernameEnv, '$.cucm.axl.usernameEnv');
    needsEnv(axl.passwordEnv, '$.cucm.axl.passwordEnv');
    needsFile(axl.caFile, '$.cucm.axl.caFile', 'caFile');
  }
  if (has('expressway') && !options.offline) {
    inventory.nodes.forEach((node, i) => {
      if (!node.status) return;
      needsEnv(node.status.usernameEnv, `$.nodes[${i}].status.usernameEnv`);
      needsEnv(node.status.passwordEnv, `$.nodes[${i}].status.passwordEnv`);
      needsFile(node.status.caFile, `$.nodes[${i}].status.caFile`, 'caFile');
    });
  }
  if (has('certificates')) {
    inventory.certificates.forEach((entry, i) =>
      needsFile(entry.file, `$.certificates[${i}].file`, 'certificate file'),
    );
    inventory.trust.forEach((entry, i) => needsFile(entry.path, `$.trust[${i}].path`, 'trust store'));
  }
  const edge = inventory.edge;
  if (edge && has('dns.external') && !options.offline) {
    edge.clientTrust?.forEach((path, i) => needsFile(path, `$.edge.clientTrust[${i}]`, 'clientTrust file'));
    needsEnv(edge.discovery?.usernameEnv, '$.edge.discovery.usernameEnv');
    needsEnv(edge.discovery?.passwordEnv, '$.edge.discovery.passwordEnv');
  }
  if (edge && has('turn')) {
    edge.turn.forEach((turn, i) => {
      needsEnv(turn.usernameEnv, `$.edge.turn[${i}].usernameEnv`);
      needsEnv(turn.passwordEnv, `$.edge.turn[${i}].passwordEnv`);
    });
  }
  return problems;
}
