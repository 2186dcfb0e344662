import { readFileSync } from 'node:fs';
import { isIP, type LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';
import { deadline, DeadlinePassed } from './deadline.js';

/**
 * The one HTTPS client of the probes (AXL, Expressway status.xml, Jabber's edge discovery): a
 * connection pool that verifies against Node's roots plus the inventory's caFile, and a bounded
 * exchange whose timeout covers the body too, so a peer that trickles bytes forever still ends.
 */

export interface HttpsAgentOptions {
  /** PEM file added to Node's roots, not used instead of them (SPEC section 3). */
  caFile?: string;
  /** PEM text added to Node's roots (callers that already read the file). */
  ca?: string | readonly string[];
  /** `insecure: true` in the inventory: no certificate verification (reported as a warning finding). */
  insecure?: boolean;
  timeoutMs: number;
  /** Connections kept per origin. */
  connections?: number;
  /**
   * `ca` replaces Node's roots instead of adding to them: the trust of a client other than us
   * (edge.clientTrust, the roots MRA clients trust).
   */
  caOnly?: boolean;
  /**
   * Connects to this IP address whatever the URL's host resolves to here (the address the
   * external resolvers gave), keeping the URL's name for SNI, Host and the certificate name check.
   */
  connectTo?: string;
}

/** A lookup that answers every name with one address (net.connect's `lookup` hook). */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    if (options.all)
      (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [
        { address, family },
      ]);
    else callback(null, address, family);
  };
}

/** Throws the file system error when caFile cannot be read (SPEC 8.3 checks it before the run). */
export function createHttpsAgent(options: HttpsAgentOptions): Agent {
  const extra = [
    ...(options.caFile ? [readFileSync(options.caFile, 'utf8')] : []),
    ...(typeof options.ca === 'string' ? [options.ca] : (options.ca ?? [])),
  ];
  // One secure context for all the agent's connections: with `ca`, tls.connect would build one per
  // connection, parsing Node's ~140 roots each time (40-80 ms of CPU on this machine).
  // With caOnly the client's roots stand alone (an empty list trusts nothing).
  const ca = options.caOnly ? extra : extra.length > 0 ? [...rootCertificates, ...extra] : undefined;
  const secureContext = ca ? createSecureContext({ ca }) : undefined;
  return new Agent({
    connections: options.connections ?? 4,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: {
      ...(secureContext ? { secureContext } : {}),
      ...(options.connectTo ? { lookup: pinnedLookup(options.connectTo) } : {}),
      rejectUnauthorized: options.insecure !== true,
      timeout: options.timeoutMs,
    },
  });
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Why an HTTP exchange gave no complete answer. */
export type HttpFailure =
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'cancelled' }
  | { kind: 'too-large'; limitBytes: number }
  /** TLS: a certificate that does not verify (CERTIFICATE_CODES) or a broken handshake. */
  | { kind: 'tls'; code: string; detail: string }
  | { kind: 'refused'; code: string; detail: string }
  | { kind: 'unresolved'; code: string; detail: string }
  | { kind: 'unreachable'; code: string; detail: string };

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  durationMs: number;
}

export type HttpResult = ({ ok: true } & HttpAnswer) | { ok: false; failure: HttpFailure; durationMs: number };

export interface HttpExchange {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
  /** Bound of the whole exchange, body included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bodies above this are refused, not buffered: the failure is `too-large`. */
  maxBytes: number;
}

/** Node's codes for a certificate that does not verify (as opposed to a broken handshake). */
export const CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** The error codes along an error's cause chain (undici wraps socket and TLS errors). */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') codes.push(code);
    current = current.cause;
  }
  return codes;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function classify(error: unknown, timedOut: boolean, cancelled: boolean, timeoutMs: number): HttpFailure {
  if (timedOut) return { kind: 'timeout', timeoutMs };
  if (cancelled) return { kind: 'cancelled' };
  const codes = errorCodes(error);
  if (codes.some((code) => TIMEOUT_CODES.has(code))) return { kind: 'timeout', timeoutMs };
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const tls = codes.find(
    (code) =>
      CERTIFICATE_CODES.has(code) || code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'),
  );
  if (tls) return { kind: 'tls', code: tls, detail };
  if (codes.includes('ECONNREFUSED')) return { kind: 'refused', code: 'ECONNREFUSED', detail };
  const unresolved = codes.find((code) => code === 'ENOTFOUND' || code === 'EAI_AGAIN');
  if (unresolved) return { kind: 'unresolved', code: unresolved, detail };
  const code = codes.find((candidate) => candidate !== 'UND_ERR_SOCKET') ?? codes[0];
  return { kind: 'unreachable', code: code ?? (error instanceof Error ? error.name : 'error'), detail };
}

/**
 * One request and its whole body within `timeoutMs` (Not AbortSignal.any: see deadline.ts). Every
 * expected network outcome is a typed failure; the body is refused past `maxBytes`.
 */
export async function httpExchange(exchange: HttpExchange): Promise<HttpResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const bound = deadline(exchange.timeoutMs, exchange.signal);
  try {
    const response = await request(exchange.url, {
      method: exchange.method ?? 'GET',
      dispatcher: exchange.dispatcher,
      signal: bound.signal,
      ...(exchange.headers ? { headers: exchange.headers } : {}),
      ...(exchange.body !== undefined ? { body: exchange.body } : {}),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > exchange.maxBytes) {
        // Dropping a body makes undici emit an abort error on it; expected, not a crash.
        response.body.on('error', () => {});
        response.body.destroy();
        return { ok: false, failure: { kind: 'too-large', limitBytes: exchange.maxBytes }, durationMs: elapsed() };
      }
      chunks.push(chunk);
    }
    return {
      ok: true,
      status: response.statusCode,
      headers: response.headers,
      body: Buffer.concat(chunks),
      durationMs: elapsed(),
    };
  } catch (error) {
    const timedOut = bound.signal.reason instanceof DeadlinePassed;
    const failure = classify(error, timedOut, exchange.signal?.aborted ?? false, exchange.timeoutMs);
    return { ok: false, failure, durationMs: elapsed() };
  } finally {
    bound.release();
  }
}

/**
 * Removes secrets (and their Basic-auth encodings, which callers pass too) from text that may
 * reach a message, a log or a report: errors from lower layers can quote what they were given.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

/** A URL as it may be shown: without any userinfo. */
export function urlWithoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
