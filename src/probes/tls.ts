import { createHash } from 'node:crypto';
import { isIP, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import tls, { type DetailedPeerCertificate } from 'node:tls';
import { deadline, type Deadline } from './deadline.js';

/**
 * The TLS probe: connects, negotiates XMPP STARTTLS where Jabber would, completes the handshake
 * without any trust decision and returns the certificates the peer presented, as DER, leaf first.
 * Judging them is the certificate domain's work (src/cert).
 */

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

export type PresentedChain =
  | { ok: true; der: Buffer[]; durationMs: number; protocol: string; problems: string[] }
  | { ok: false; failure: ChainFailure; detail: string; durationMs: number };

/** A presented chain longer than this is hostile or broken; real MRA chains have 2 to 4 certificates. */
export const MAX_CHAIN_LENGTH = 16;
/** What an XMPP peer may send before <proceed/>. */
const MAX_XMPP_BYTES = 64 * 1024;

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
function presentedChain(socket: tls.TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (current && current.raw && current.raw.length > 0) {
    if (chain.length >= MAX_CHAIN_LENGTH)
      throw new ChainError('oversize', `the peer presented more than ${MAX_CHAIN_LENGTH} certificates`);
    const der = Buffer.from(current.raw);
    const fingerprint = createHash('sha256').update(der).digest('hex');
    if (seen.has(fingerprint)) break;
    seen.add(fingerprint);
    chain.push(der);
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
export async function fetchPresentedChain(options: FetchOptions): Promise<PresentedChain> {
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
    const der = presentedChain(secure);
    if (der.length === 0)
      return { ok: false, failure: 'empty', detail: 'the peer presented no certificate', durationMs: elapsed() };
    return { ok: true, der, durationMs: elapsed(), protocol: secure.getProtocol() ?? 'unknown', problems: [] };
  } catch (error) {
    const { failure, detail } = classify(error, options.timeoutMs);
    // A TLS 1.2 peer that demands a client certificate (CUCM CallManager on 5061) aborts the
    // handshake after it has sent its own chain in the clear; that chain is what we came for.
    if (failure === 'malformed' && tap.certificates.length > 0) {
      if (tap.certificates.length > MAX_CHAIN_LENGTH) {
        const detail = `the peer presented more than ${MAX_CHAIN_LENGTH} certificates`;
        return { ok: false, failure: 'oversize', detail, durationMs: elapsed() };
      }
      return {
        ok: true,
        der: tap.certificates,
        durationMs: elapsed(),
        protocol: 'TLSv1.2',
        problems: [
          `the handshake ended after the peer presented its certificate (${detail}); it likely requires a client certificate`,
        ],
      };
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
