import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { formatAddress, parseAddress } from '../inventory/address.js';
import type { Inventory, NodeRole, TlsService, TrustStoreName } from '../inventory/types.js';
import { oncePerKey } from '../probes/once.js';
import type { ProbeOptions } from '../probes/options.js';
import { fetchPresentedChain, MAX_CHAIN_LENGTH, type ChainFailure, type PresentedChain } from '../probes/tls.js';
import { parseBundle, parseCertificate, type Certificate } from './certificate.js';
import { AnchorSet } from './path.js';
import { NODE_ROOTS, nodeRootCertificates } from './roots.js';

export { MAX_CHAIN_LENGTH, type ChainFailure };

/** One certificate to examine: a live TLS service of a node, or an exported PEM/DER file. */
export interface CertificateEndpoint {
  /** Stable finding target: `expc.example.com:8443 server`, or the file (relative to the inventory). */
  target: string;
  /** FQDN of the node the certificate belongs to (SNI and hostname checks use it). */
  node: string;
  role?: NodeRole;
  service: TlsService;
  origin: 'live' | 'file';
  /** `host:port` (live) or the absolute file path (file). */
  location: string;
}

export type ChainResult =
  | { ok: true; certificates: Certificate[]; durationMs: number; protocol?: string; problems: string[] }
  | { ok: false; failure: ChainFailure; detail: string; durationMs: number };

export type TrustStoreResult =
  | { ok: true; node: string; store: TrustStoreName; path: string; certificates: Certificate[]; problems: string[] }
  | { ok: false; node: string; store: TrustStoreName; path: string; reason: string };

/** Certificate chains from live TLS endpoints and offline PEM/DER files, and what each system trusts. */
export interface CertificateSource {
  /** Live endpoints (unless offline) then certificate files, in inventory order. */
  endpoints(): CertificateEndpoint[];
  /** The presented (live) or exported (file) chain, leaf first; fetched once per run. */
  chain(endpoint: CertificateEndpoint): Promise<ChainResult>;
  /** A trust store of the inventory (`trust[]`), or undefined when the inventory does not give it. */
  trustStore(node: string, store: TrustStoreName): Promise<TrustStoreResult | undefined>;
  /** Every trust anchor of the run: all trust stores, every caFile, Node's root store. */
  anchors(): Promise<AnchorSet>;
  close?(): Promise<void>;
}

/** Cap on a certificate file or trust store file. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_STORE_FILES = 2000;

const LEGACY_XMPP_TLS_PORT = 5223;

function fileTarget(file: string, inventorySource: string): string {
  if (!isAbsolute(inventorySource)) return file;
  const relativePath = relative(dirname(inventorySource), file);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? file : relativePath;
}

function liveTarget(location: string, fqdn: string, service: TlsService): string {
  const address = parseAddress(location, 443);
  return address.host.toLowerCase() === fqdn
    ? `${formatAddress(address)} ${service}`
    : `${fqdn} ${service} at ${formatAddress(address)}`;
}

class ChainError extends Error {
  constructor(
    readonly failure: ChainFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The presented DER chain as certificates; one that cannot be parsed makes the chain malformed. */
export function parsePresented(presented: PresentedChain): ChainResult {
  if (!presented.ok) return presented;
  try {
    const certificates = presented.der.map((der) => parseCertificate(der));
    return {
      ok: true,
      certificates,
      durationMs: presented.durationMs,
      protocol: presented.protocol,
      problems: presented.problems,
    };
  } catch (error) {
    const detail = `a presented certificate cannot be parsed: ${(error as Error).message.split('\n')[0] ?? ''}`;
    return { ok: false, failure: 'malformed', detail, durationMs: presented.durationMs };
  }
}

function readCapped(file: string): Buffer {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new ChainError('oversize', `${file} is ${size} bytes (limit ${MAX_FILE_BYTES})`);
  return readFileSync(file);
}

/**
 * The leaf of an unordered set (a folder export): the one certificate that issues none of the
 * others, preferring non-CA certificates; undefined when that is ambiguous.
 */
function leafOfSet(certificates: readonly Certificate[]): Certificate | undefined {
  const issuesAnother = (candidate: Certificate): boolean =>
    certificates.some((other) => other !== candidate && other.issuerKey === candidate.subjectKey && !other.selfIssued);
  const candidates = certificates.filter((candidate) => !issuesAnother(candidate));
  const endEntities = candidates.filter((candidate) => !candidate.isCa);
  if (endEntities.length === 1) return endEntities[0];
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * An exported certificate: a PEM/DER file (leaf first, chain after), or a folder of such files
 * (one service's leaf and its chain, in any order).
 */
export function readCertificateFile(file: string): ChainResult {
  const began = performance.now();
  const elapsed = (): number => Math.round(performance.now() - began);
  let certificates: Certificate[];
  let problems: string[];
  try {
    if (statSync(file).isDirectory()) {
      ({ certificates, problems } = readTrustStore(file));
      const leaf = leafOfSet(certificates);
      if (certificates.length > 0 && !leaf) {
        return {
          ok: false,
          failure: 'malformed',
          detail: `${file} holds ${certificates.length} certificates and no single leaf among them; give one folder or file per service`,
          durationMs: elapsed(),
        };
      }
      if (leaf) certificates = [leaf, ...certificates.filter((certificate) => certificate !== leaf)];
    } else {
      ({ certificates, problems } = parseBundle(readCapped(file)));
      // Leaf first is the contract, but a bundle exported root-first is common enough to accept.
      const leaf = certificates[0]?.isCa && certificates.length > 1 ? leafOfSet(certificates) : undefined;
      if (leaf) certificates = [leaf, ...certificates.filter((certificate) => certificate !== leaf)];
    }
  } catch (error) {
    if (error instanceof ChainError)
      return { ok: false, failure: error.failure, detail: error.message, durationMs: elapsed() };
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, failure: 'unreadable', detail: `${file} cannot be read (${code})`, durationMs: elapsed() };
  }
  if (problems.length > 0)
    return { ok: false, failure: 'malformed', detail: `${file}: ${problems.join('; ')}`, durationMs: elapsed() };
  if (certificates.length === 0)
    return { ok: false, failure: 'empty', detail: `${file} holds no certificate`, durationMs: elapsed() };
  if (certificates.length > MAX_CHAIN_LENGTH)
    return {
      ok: false,
      failure: 'oversize',
      detail: `${file} holds ${certificates.length} certificates (limit ${MAX_CHAIN_LENGTH})`,
      durationMs: elapsed(),
    };
  return { ok: true, certificates, durationMs: elapsed(), problems: [] };
}

/** A trust store export: one PEM bundle, or a folder of PEM/DER files (one certificate each, as CUCM exports them). */
export function readTrustStore(path: string): { certificates: Certificate[]; problems: string[] } {
  const stat = statSync(path);
  const files = stat.isDirectory()
    ? readdirSync(path, { withFileTypes: true })
        .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
        .map((entry) => join(path, entry.name))
        .sort()
    : [path];
  if (files.length > MAX_STORE_FILES)
    throw new ChainError('oversize', `${path} holds ${files.length} files (limit ${MAX_STORE_FILES})`);
  const certificates: Certificate[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      const parsed = parseBundle(readCapped(file));
      certificates.push(...parsed.certificates);
      problems.push(...parsed.problems.map((problem) => `${stat.isDirectory() ? basename(file) : file}: ${problem}`));
    } catch (error) {
      problems.push(`${basename(file)}: ${(error as Error).message}`);
    }
  }
  return { certificates, problems };
}

/** The XMPP stream `to`: the enterprise domain the IM&P node serves (the inventory domain it sits in). */
function xmppDomainFor(fqdn: string, domains: readonly string[]): string {
  return domains.find((domain) => fqdn === domain || fqdn.endsWith(`.${domain}`)) ?? domains[0] ?? fqdn;
}

/** Live endpoints (unless offline: no network) then certificate files, in inventory order. */
function endpointsOf(inventory: Inventory, offline: boolean): CertificateEndpoint[] {
  const list: CertificateEndpoint[] = [];
  if (!offline) {
    for (const node of inventory.nodes) {
      for (const [service, location] of Object.entries(node.tls ?? {}) as Array<[TlsService, string | undefined]>) {
        if (!location) continue;
        const target = liveTarget(location, node.fqdn, service);
        list.push({ target, node: node.fqdn, role: node.role, service, origin: 'live', location });
      }
    }
  }
  for (const entry of inventory.certificates) {
    const role = inventory.nodes.find((node) => node.fqdn === entry.node)?.role;
    list.push({
      target: fileTarget(entry.file, inventory.source),
      node: entry.node,
      ...(role ? { role } : {}),
      service: entry.service,
      origin: 'file',
      location: entry.file,
    });
  }
  return list;
}

/** A trust store of the inventory read from its file or folder; empty or unreadable is a failed result. */
function loadStore(node: string, store: TrustStoreName, path: string): TrustStoreResult {
  try {
    const { certificates, problems } = readTrustStore(path);
    if (certificates.length > 0) return { ok: true, node, store, path, certificates, problems };
    const reason = problems.length > 0 ? problems.join('; ') : `${path} holds no certificate`;
    return { ok: false, node, store, path, reason };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code ? `${path} cannot be read (${code})` : (error as Error).message;
    return { ok: false, node, store, path, reason };
  }
}

/** The chain a live endpoint presents, negotiating XMPP STARTTLS where Jabber does. */
function fetchLiveChain(endpoint: CertificateEndpoint, options: ProbeOptions): Promise<ChainResult> {
  const address = parseAddress(endpoint.location, 443);
  // Jabber speaks XMPP STARTTLS on the IM&P client port (5222) before any TLS; only the legacy
  // direct-TLS port 5223 starts with a handshake.
  const xmpp = endpoint.service === 'xmpp' && address.port !== LEGACY_XMPP_TLS_PORT;
  return options.limiter.run(async () =>
    parsePresented(
      await fetchPresentedChain({
        host: address.host,
        port: address.port,
        servername: endpoint.node,
        ...(xmpp ? { xmppDomain: xmppDomainFor(endpoint.node, options.inventory.domains) } : {}),
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      }),
    ),
  );
}

/** Every certificate the run trusts: the inventory's trust stores, its caFiles and Node's root store. */
async function anchorsOf(source: CertificateSource, inventory: Inventory): Promise<AnchorSet> {
  const set = new AnchorSet();
  for (const entry of inventory.trust) {
    const result = await source.trustStore(entry.node, entry.store);
    if (result?.ok) for (const certificate of result.certificates) set.add(certificate, `${entry.node} ${entry.store}`);
  }
  const caFiles = [inventory.cucm.axl?.caFile, ...inventory.nodes.map((node) => node.status?.caFile)];
  for (const file of new Set(caFiles.filter((path): path is string => !!path))) {
    try {
      const origin = `caFile ${fileTarget(file, inventory.source)}`;
      for (const certificate of readTrustStore(file).certificates) set.add(certificate, origin);
    } catch {
      // SPEC 8.3 checks caFiles before the run; one that went away since adds nothing here.
    }
  }
  for (const certificate of nodeRootCertificates()) set.add(certificate, NODE_ROOTS);
  return set;
}

export function createCertificateSource(options: ProbeOptions): CertificateSource {
  const { inventory } = options;
  const chains = oncePerKey<ChainResult>();
  const stores = oncePerKey<TrustStoreResult>();
  const list = endpointsOf(inventory, options.offline);
  let anchorSet: Promise<AnchorSet> | undefined;
  const source: CertificateSource = {
    endpoints: () => list,
    chain: (endpoint) =>
      chains(`${endpoint.origin}\u0000${endpoint.location}\u0000${endpoint.node}\u0000${endpoint.service}`, async () =>
        endpoint.origin === 'file' ? readCertificateFile(endpoint.location) : fetchLiveChain(endpoint, options),
      ),
    trustStore(node, store) {
      const entry = inventory.trust.find((candidate) => candidate.node === node && candidate.store === store);
      if (!entry) return Promise.resolve(undefined);
      return stores(`${node}\u0000${store}`, async () => loadStore(node, store, entry.path));
    },
    anchors() {
      anchorSet ??= anchorsOf(source, inventory);
      return anchorSet;
    },
  };
  return source;
}
