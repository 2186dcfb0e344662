import { deadline, type Deadline } from './deadline.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isIP, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import tls, { type DetailedPeerCertificate } from 'node:tls';
import { parseBundle, parseCertificate, type Certificate } from '../cert/certificate.js';
import { AnchorSet } from '../cert/path.js';
import type { ProbeOptions } from './options.js';
import { parseAddress, formatAddress } from '../inventory/address.js';
import type { NodeRole, TlsService, TrustStoreName } from '../inventory/types.js';

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

export type ChainFailure =
  | 'timeout'
  | 'refused'
  | 'unresolved'
  | 'unreachable'
  | 'truncated'
  | 'malformed'
  | 'oversize'
  | 'starttls'
  | 'aborted'
  | 'unreadable'
  | 'empty';

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

/** A presented chain longer than this is hostile or broken; real MRA chains have 2 to 4 certificates. */
export const MAX_CHAIN_LENGTH = 16;
/** Cap on a certificate file or trust store file, and on what an XMPP peer may send before <proceed/>. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_STORE_FILES = 2000;
const MAX_XMPP_BYTES = 64 * 1024;

const LEGACY_XMPP_TLS_PORT = 5223;
const NODE_ROOTS = "Node's root store";

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

function classify(error: unknown, timeoutMs: number): { failure: ChainFailure; detail: string } {
  if (error instanceof ChainError) return { failure: error.failure, detail: error.message };
  const err = error as NodeJS.ErrnoException;
  const code = err.code ?? '';
  const message = (err.message ?? String(error)).split('\n')[0] ?? '';
  if (err.name === 'AbortError' || code === 'ABORT_ERR') return { failure: 'aborted', detail: 'the run was cancelled' };
  if (code === 'ETIMEDOUT') return { failure: 'timeout', detail: `no answer within ${timeoutMs} ms` };
  if (code === 'ECONNREFUSED') return { failure: 'refused', detail: `connection refused (${message})` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { failure: 'unresolved', detail: `the name does not resolve (${message})` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    return { failure: 'unreachable', detail: message };
  if (code === 'ECONNRESET' || code === 'EPIPE' || /disconnected before secure TLS/i.test(message)) {
    return { failure: 'truncated', detail: `the peer closed the connection during the TLS handshake (${message})` };
  }
  if (/excessive message size|certificate list too long|record.*too long/i.test(message)) {
    return { failure: 'oversize', detail: `the peer sent a handshake message over the size limit (${message})` };
  }
  if (code.startsWith('ERR_SSL') || /ssl|tls|certificate/i.test(message))
    return { failure: 'malformed', detail: `TLS handshake failed: ${message}` };
  return { failure: 'unreachable', detail: message || 'connection failed' };
}

/** Reads the peer's chain as OpenSSL received it (leaf first), without any trust decision. */
function presentedChain(socket: tls.TLSSocket): Certificate[] {
  const chain: Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (current && current.raw && current.raw.length > 0) {
    if (chain.length >= MAX_CHAIN_LENGTH)
      throw new ChainError('oversize', `the peer presented more than ${MAX_CHAIN_LENGTH} certificates`);
    const certificate = parseCertificate(Buffer.from(current.raw));
    if (seen.has(certificate.sha256)) break;
    seen.add(certificate.sha256);
    chain.push(certificate);
    const next: DetailedPeerCertificate | undefined = current.issuerCertificate;
    if (!next || next === current) break;
    current = next;
  }
  return chain;
}

/** One phase of the exchange (connect or STARTTLS, then the handshake), each within one timeout. */
const phaseDeadline = (parent: AbortSignal, timeoutMs: number, what: string): Deadline =>
  deadline(timeoutMs, parent, {
    timeout: () => new ChainError('timeout', `${what}: nothing within ${timeoutMs} ms`),
    cancelled: () => new ChainError('aborted', 'the run was cancelled'),
  });

function connectTcp(host: string, port: number, deadline: Deadline): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const fail = (error: unknown): void => {
      socket.destroy();
      reject(error);
    };
    const onAbort = (): void => fail(deadline.signal.reason);
    if (deadline.signal.aborted) return fail(deadline.signal.reason);
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.connect(port, host, () => {
      deadline.signal.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      // Later errors surface through the STARTTLS and handshake phases (close, timeout); an
      // error event without a listener would crash the run.
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * XMPP STARTTLS as Jabber does it on 5222 (RFC 6120 section 5): open the stream, wait for the
 * features, ask for TLS and wait for <proceed/>. A <failure/>, a closed stream or anything over
 * 64 KB before <proceed/> is a typed `starttls` failure.
 */
function negotiateStartTls(socket: Socket, domain: string, deadline: Deadline): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = '';
    let askedForTls = false;
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      deadline.signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const onError = (error: Error): void => fail(error);
    const onClose = (): void =>
      fail(
        new ChainError(
          'starttls',
          `the XMPP peer closed the stream before <proceed/> (received ${JSON.stringify(received.slice(0, 120))})`,
        ),
      );
    const onAbort = (): void => fail(deadline.signal.reason);
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('utf8');
      if (received.length > MAX_XMPP_BYTES)
        return fail(new ChainError('oversize', `the XMPP peer sent over ${MAX_XMPP_BYTES} bytes before <proceed/>`));
      if (/<(?:\w+:)?failure[\s>/]/.test(received) || /<stream:error[\s>]/.test(received)) {
        return fail(
          new ChainError('starttls', `the XMPP peer refused STARTTLS (${JSON.stringify(received.slice(-160))})`),
        );
      }
      if (!askedForTls && /<\/stream:features>|<stream:features\s*\/>/.test(received)) {
        if (!/urn:ietf:params:xml:ns:xmpp-tls/.test(received)) {
          return fail(new ChainError('starttls', 'the XMPP peer does not offer STARTTLS in its stream features'));
        }
        askedForTls = true;
        socket.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        return;
      }
      if (askedForTls && /<proceed[\s/>]/.test(received)) {
        cleanup();
        // Nothing may be read (and lost) between here and the TLS layer taking over.
        socket.pause();
        resolve();
      }
    };
    if (deadline.signal.aborted) return fail(deadline.signal.reason);
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.once('close', onClose);
    socket.write(
      `<?xml version='1.0'?><stream:stream to='${escapeXml(domain)}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`,
    );
  });
}

function handshake(options: tls.ConnectionOptions, deadline: Deadline): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({
      ...options,
      // We judge the chain ourselves (MRA-CERT-001); OpenSSL must not abort on what we report.
      rejectUnauthorized: false,
      // SECLEVEL=0 lets a 1024-bit or SHA-1 chain through the handshake so MRA-CERT-008 can name it.
      ciphers: 'DEFAULT:@SECLEVEL=0',
      minVersion: 'TLSv1',
    });
    const finish = (error: unknown, value?: tls.TLSSocket): void => {
      if (settled) return;
      settled = true;
      deadline.signal.removeEventListener('abort', onAbort);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(value!);
    };
    const onAbort = (): void => finish(deadline.signal.reason);
    if (deadline.signal.aborted) return finish(deadline.signal.reason);
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => finish(undefined, socket));
    socket.on('error', (error) => finish(error));
    socket.once('close', () =>
      finish(new ChainError('truncated', 'the peer closed the connection during the TLS handshake')),
    );
  });
}

export interface FetchOptions {
  host: string;
  port: number;
  /** SNI: the node FQDN (never an IP address: RFC 6066 forbids it). */
  servername: string;
  /** Negotiate XMPP STARTTLS first, with this stream `to` domain. */
  xmppDomain?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Connects, (optionally) negotiates XMPP STARTTLS, completes the TLS handshake and returns the
 * presented chain. Each phase is bounded by the timeout, so the whole exchange stays within 2 ×
 * timeout; every network outcome comes back as a typed failure, never a throw.
 */
export async function fetchPresentedChain(options: FetchOptions): Promise<ChainResult> {
  const began = performance.now();
  const elapsed = (): number => Math.round(performance.now() - began);
  let socket: Socket | undefined;
  let secure: tls.TLSSocket | undefined;
  const tap = new HandshakeTap();
  try {
    const first = phaseDeadline(
      options.signal,
      options.timeoutMs,
      options.xmppDomain !== undefined ? 'XMPP STARTTLS negotiation' : 'TCP connect',
    );
    try {
      socket = await connectTcp(options.host, options.port, first);
      if (options.xmppDomain !== undefined) await negotiateStartTls(socket, options.xmppDomain, first);
    } finally {
      first.release();
    }
    const tlsOptions: tls.ConnectionOptions = { socket: tapped(socket, tap) };
    if (!isIP(options.servername)) tlsOptions.servername = options.servername;
    const second = phaseDeadline(options.signal, options.timeoutMs, 'TLS handshake');
    try {
      secure = await handshake(tlsOptions, second);
    } finally {
      second.release();
    }
    const certificates = presentedChain(secure);
    if (certificates.length === 0)
      return { ok: false, failure: 'empty', detail: 'the peer presented no certificate', durationMs: elapsed() };
    return { ok: true, certificates, durationMs: elapsed(), protocol: secure.getProtocol() ?? 'unknown', problems: [] };
  } catch (error) {
    const { failure, detail } = classify(error, options.timeoutMs);
    // A TLS 1.2 peer that demands a client certificate (CUCM CallManager on 5061) aborts the
    // handshake after it has sent its own chain in the clear; that chain is what we came for.
    if (failure === 'malformed' && tap.certificates.length > 0) {
      try {
        const certificates = tap.certificates.slice(0, MAX_CHAIN_LENGTH + 1).map((der) => parseCertificate(der));
        if (certificates.length > MAX_CHAIN_LENGTH)
          throw new ChainError('oversize', `the peer presented more than ${MAX_CHAIN_LENGTH} certificates`);
        return {
          ok: true,
          certificates,
          durationMs: elapsed(),
          protocol: 'TLSv1.2',
          problems: [
            `the handshake ended after the peer presented its certificate (${detail}); it likely requires a client certificate`,
          ],
        };
      } catch (parseError) {
        const typed = classify(parseError, options.timeoutMs);
        return { ok: false, failure: typed.failure, detail: typed.detail, durationMs: elapsed() };
      }
    }
    return { ok: false, failure, detail, durationMs: elapsed() };
  } finally {
    secure?.destroy();
    socket?.destroy();
  }
}

/** How much of the peer's first flight the tap looks at (the server Certificate message is in it). */
const MAX_TAP_BYTES = 256 * 1024;

/**
 * Reads the server's TLS 1.2 Certificate handshake message off the wire (it travels in the clear
 * before ChangeCipherSpec; in TLS 1.3 it is encrypted and the tap sees nothing). Used only when
 * OpenSSL aborts the handshake after the chain was presented.
 */
class HandshakeTap {
  certificates: Buffer[] = [];
  private records = Buffer.alloc(0);
  private messages = Buffer.alloc(0);
  private seen = 0;
  private done = false;

  push(chunk: Buffer): void {
    if (this.done) return;
    this.seen += chunk.length;
    if (this.seen > MAX_TAP_BYTES) {
      this.done = true;
      return;
    }
    this.records = Buffer.concat([this.records, chunk]);
    while (!this.done && this.records.length >= 5) {
      const type = this.records[0];
      const length = this.records.readUInt16BE(3);
      if (this.records.length < 5 + length) return;
      const body = this.records.subarray(5, 5 + length);
      this.records = this.records.subarray(5 + length);
      // Anything but a plaintext handshake record (ChangeCipherSpec, alert, application data) ends the clear part.
      if (type !== 22) {
        this.done = true;
        return;
      }
      this.messages = Buffer.concat([this.messages, body]);
      this.readMessages();
    }
  }

  private readMessages(): void {
    while (!this.done && this.messages.length >= 4) {
      const type = this.messages[0];
      const length = this.messages.readUIntBE(1, 3);
      if (this.messages.length < 4 + length) return;
      const body = this.messages.subarray(4, 4 + length);
      this.messages = this.messages.subarray(4 + length);
      if (type === 11) {
        this.done = true;
        this.certificates = certificateList(body);
      }
    }
  }
}

/** TLS 1.2 Certificate message body: a 3-byte list length, then 3-byte-length-prefixed DER entries. */
function certificateList(body: Buffer): Buffer[] {
  const list: Buffer[] = [];
  if (body.length < 3) return list;
  const end = Math.min(body.length, 3 + body.readUIntBE(0, 3));
  let offset = 3;
  while (offset + 3 <= end) {
    const length = body.readUIntBE(offset, 3);
    offset += 3;
    if (offset + length > end) break;
    list.push(Buffer.from(body.subarray(offset, offset + length)));
    offset += length;
  }
  return list;
}

/** The TCP socket as a JS stream whose incoming bytes the tap sees before TLS does. */
function tapped(raw: Socket, tap: HandshakeTap): Duplex {
  const duplex = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      raw.write(chunk, callback);
    },
    final(callback) {
      raw.end();
      callback();
    },
    destroy(error, callback) {
      raw.destroy();
      callback(error);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    tap.push(chunk);
    if (!duplex.push(chunk)) raw.pause();
  });
  raw.on('end', () => duplex.push(null));
  raw.on('error', (error) => duplex.destroy(error));
  raw.on('close', () => duplex.destroy());
  return duplex;
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

export function createCertificateSource(options: ProbeOptions): CertificateSource {
  const { inventory } = options;
  const chains = new Map<string, Promise<ChainResult>>();
  const stores = new Map<string, Promise<TrustStoreResult>>();
  let anchorSet: Promise<AnchorSet> | undefined;
  const roleOf = (fqdn: string): NodeRole | undefined => inventory.nodes.find((node) => node.fqdn === fqdn)?.role;

  const list: CertificateEndpoint[] = [];
  if (!options.offline) {
    for (const node of inventory.nodes) {
      for (const [service, location] of Object.entries(node.tls ?? {}) as Array<[TlsService, string | undefined]>) {
        if (!location) continue;
        list.push({
          target: liveTarget(location, node.fqdn, service),
          node: node.fqdn,
          role: node.role,
          service,
          origin: 'live',
          location,
        });
      }
    }
  }
  for (const entry of inventory.certificates) {
    const role = roleOf(entry.node);
    list.push({
      target: fileTarget(entry.file, inventory.source),
      node: entry.node,
      ...(role ? { role } : {}),
      service: entry.service,
      origin: 'file',
      location: entry.file,
    });
  }

  const loadStore = (node: string, store: TrustStoreName, path: string): TrustStoreResult => {
    try {
      const { certificates, problems } = readTrustStore(path);
      if (certificates.length === 0) {
        return {
          ok: false,
          node,
          store,
          path,
          reason: problems.length > 0 ? problems.join('; ') : `${path} holds no certificate`,
        };
      }
      return { ok: true, node, store, path, certificates, problems };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        ok: false,
        node,
        store,
        path,
        reason: code ? `${path} cannot be read (${code})` : (error as Error).message,
      };
    }
  };

  const source: CertificateSource = {
    endpoints: () => list,
    chain(endpoint) {
      const key = `${endpoint.origin}\u0000${endpoint.location}\u0000${endpoint.node}\u0000${endpoint.service}`;
      let pending = chains.get(key);
      if (!pending) {
        if (endpoint.origin === 'file') {
          pending = Promise.resolve(readCertificateFile(endpoint.location));
        } else {
          const address = parseAddress(endpoint.location, 443);
          // Jabber speaks XMPP STARTTLS on the IM&P client port (5222) before any TLS; only the
          // legacy direct-TLS port 5223 starts with a handshake.
          const xmpp = endpoint.service === 'xmpp' && address.port !== LEGACY_XMPP_TLS_PORT;
          pending = options.limiter.run(() =>
            fetchPresentedChain({
              host: address.host,
              port: address.port,
              servername: endpoint.node,
              ...(xmpp ? { xmppDomain: xmppDomainFor(endpoint.node, inventory.domains) } : {}),
              timeoutMs: options.timeoutMs,
              signal: options.signal,
            }),
          );
        }
        chains.set(key, pending);
      }
      return pending;
    },
    trustStore(node, store) {
      const entry = inventory.trust.find((candidate) => candidate.node === node && candidate.store === store);
      if (!entry) return Promise.resolve(undefined);
      const key = `${node}\u0000${store}`;
      let pending = stores.get(key);
      if (!pending) {
        pending = Promise.resolve(loadStore(node, store, entry.path));
        stores.set(key, pending);
      }
      return pending;
    },
    anchors() {
      anchorSet ??= (async () => {
        const set = new AnchorSet();
        for (const entry of inventory.trust) {
          const result = await source.trustStore(entry.node, entry.store);
          if (result?.ok)
            for (const certificate of result.certificates) set.add(certificate, `${entry.node} ${entry.store}`);
        }
        const caFiles = [inventory.cucm.axl?.caFile, ...inventory.nodes.map((node) => node.status?.caFile)].filter(
          (file): file is string => !!file,
        );
        for (const file of new Set(caFiles)) {
          try {
            for (const certificate of readTrustStore(file).certificates)
              set.add(certificate, `caFile ${fileTarget(file, inventory.source)}`);
          } catch {
            // An unreadable caFile is reported by the HTTPS client that uses it; here it just adds nothing.
          }
        }
        for (const pem of tls.rootCertificates) {
          try {
            set.add(parseCertificate(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')), NODE_ROOTS);
          } catch {
            // A root Node ships but we cannot read is simply not an anchor.
          }
        }
        return set;
      })();
      return anchorSet;
    },
  };
  return source;
}
