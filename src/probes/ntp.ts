import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ProbeOptions } from './options.js';
import { buildClientRequest, offsetAndDelay, validateReply, type NtpPacket } from './ntp-packet.js';
import { AddressError, formatAddress, parseAddress } from '../inventory/address.js';

/**
 * SNTP client mode (RFC 4330, RFC 5905 section 8/9): one request per server per run plus bounded
 * retries over node:dgram. The packet codec and the judging of a reply are in ntp-packet.ts; this is
 * the exchange: resolving, sending, retrying, timing (T1 and T4) and giving up.
 */

export {
  buildClientRequest,
  NTP_HEADER_LENGTH,
  parseNtpPacket,
  validateReply,
  writeNtpTimestamp,
  type LeapIndicator,
  type NtpPacket,
} from './ntp-packet.js';

export const NTP_PORT = 123;
/** One request plus two retries, each waiting one timeout: always inside the 4 × timeout budget. */
export const NTP_MAX_ATTEMPTS = 3;

/** A validated server reply with the client-side timestamps and the derived offset and delay. */
export interface NtpReply extends NtpPacket {
  /** The server as written in targets: 10.1.1.123:123, [::1]:11123, ntp.example.com:123. */
  server: string;
  /** The IP address the request went to. */
  address: string;
  port: number;
  /** Client transmit (T1) and receive (T4) times, Unix epoch ms. */
  clientTransmitMs: number;
  clientReceiveMs: number;
  /**
   * θ = ((T2 − T1) + (T3 − T4)) / 2: how far the server's clock is ahead of this host's clock.
   * Undefined only for a kiss-of-death without timestamps (stratum 0 carries no usable time).
   */
  offsetMs: number | undefined;
  /** δ = (T4 − T1) − (T3 − T2): the network round trip, excluding the server's processing. */
  delayMs: number | undefined;
  /** Requests sent before this reply came (1 = no retry). */
  attempts: number;
  /** Wall time of the whole exchange, lookup included. */
  durationMs: number;
}

export type NtpFailureKind =
  /** No valid reply within the attempts and the budget. */
  | 'timeout'
  /** ICMP port unreachable: nothing serves UDP on that port. */
  | 'refused'
  /** A reply arrived but is not a valid NTP server reply (short, wrong mode/version, zero transmit). */
  | 'malformed'
  /** A reply whose origin timestamp is not our transmit timestamp: not an answer to our request. */
  | 'spoofed'
  /** The host name did not resolve. */
  | 'unresolved'
  | 'invalid-address'
  /** Any other socket error (no route, permission...). */
  | 'network'
  /** The run or the caller gave up. */
  | 'aborted';

export interface NtpFailure {
  kind: NtpFailureKind;
  server: string;
  address?: string;
  port?: number;
  /** One sentence of facts: what arrived or what the socket said. */
  detail: string;
  attempts: number;
  /** How long the exchange waited before giving up. */
  waitedMs: number;
  /** The per-request timeout in force. */
  timeoutMs: number;
}

export type NtpResult = { ok: true; reply: NtpReply } | { ok: false; failure: NtpFailure };

export interface NtpProbe {
  /**
   * The SNTP exchange with one server (an inventory `ntp.servers` entry). Cached per run, so
   * MRA-NTP-001..003 share one exchange; `signal` only stops this caller waiting.
   */
  query(server: string, signal?: AbortSignal): Promise<NtpResult>;
  close?(): Promise<void>;
}

/** The stable target string for an inventory NTP server entry (default port 123). */
export function ntpTarget(server: string): string {
  try {
    return formatAddress(parseAddress(server, NTP_PORT));
  } catch {
    return server.trim();
  }
}

export function createNtpProbe(options: ProbeOptions): NtpProbe {
  const cache = new Map<string, Promise<NtpResult>>();
  return {
    query(server, signal) {
      const key = ntpTarget(server);
      let pending = cache.get(key);
      if (!pending) {
        pending = options.limiter.run(() => exchangeWith(server, options.timeoutMs, options.signal));
        cache.set(key, pending);
      }
      return signal ? abandonOnAbort(pending, signal, key, options.timeoutMs) : pending;
    },
    async close() {
      await Promise.allSettled(cache.values());
    },
  };
}

function abandonOnAbort(
  pending: Promise<NtpResult>,
  signal: AbortSignal,
  server: string,
  timeoutMs: number,
): Promise<NtpResult> {
  const started = performance.now();
  const aborted = (): NtpResult => ({
    ok: false,
    failure: {
      kind: 'aborted',
      server,
      detail: 'the check was cancelled',
      attempts: 0,
      waitedMs: elapsed(started),
      timeoutMs,
    },
  });
  if (signal.aborted) return Promise.resolve(aborted());
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    void pending.then((result) => {
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    });
  });
}

const elapsed = (since: number): number => Math.round(performance.now() - since);

/** Resolves the server, then runs the UDP exchange; never throws for network outcomes. */
export async function exchangeWith(server: string, timeoutMs: number, signal: AbortSignal): Promise<NtpResult> {
  const started = performance.now();
  const budgetEnd = started + 4 * timeoutMs;
  const target = ntpTarget(server);
  const fail = (kind: NtpFailureKind, detail: string, extra: Partial<NtpFailure> = {}): NtpResult => ({
    ok: false,
    failure: { kind, server: target, detail, attempts: 0, waitedMs: elapsed(started), timeoutMs, ...extra },
  });
  let host: string;
  let port: number;
  try {
    ({ host, port } = parseAddress(server, NTP_PORT));
  } catch (error) {
    return fail('invalid-address', error instanceof AddressError ? error.message : String(error));
  }
  if (signal.aborted) return fail('aborted', 'the run was cancelled');
  let address = host;
  let family = isIP(host);
  if (family === 0) {
    const resolved = await resolveWithin(host, timeoutMs, signal);
    if ('error' in resolved) return fail(resolved.kind, resolved.error, { port });
    ({ address, family } = resolved);
  }
  return udpExchange({ target, address, family: family === 6 ? 6 : 4, port, timeoutMs, signal, started, budgetEnd });
}

async function resolveWithin(
  host: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ address: string; family: number } | { kind: NtpFailureKind; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const bound = new Promise<{ kind: NtpFailureKind; error: string }>((resolve) => {
    timer = setTimeout(
      () => resolve({ kind: 'unresolved', error: `no address for ${host} within ${timeoutMs} ms` }),
      timeoutMs,
    );
    onAbort = () => resolve({ kind: 'aborted', error: 'the run was cancelled' });
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      lookup(host).then(
        (found) => ({ address: found.address, family: found.family }),
        (error: NodeJS.ErrnoException) => ({
          kind: 'unresolved' as const,
          error: `${host} does not resolve (${error.code ?? error.message})`,
        }),
      ),
      bound,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

interface ExchangePlan {
  target: string;
  address: string;
  family: 4 | 6;
  port: number;
  timeoutMs: number;
  signal: AbortSignal;
  started: number;
  budgetEnd: number;
}

interface SentRequest {
  attempt: number;
  /** T1 on the wall clock (what the offset is about) and on the monotonic clock (for the delay). */
  wallMs: number;
  monoMs: number;
}

/**
 * The transmit timestamp we send is a random 64-bit nonce, not our clock (the data-minimisation
 * practice of RFC 9109 / draft-ietf-ntp-data-minimization): the server echoes it as the origin
 * timestamp, so an off-path attacker cannot forge a reply without seeing the request, and T1 is
 * kept locally.
 */
function newNonce(): Buffer {
  for (;;) {
    const nonce = randomBytes(8);
    if (!nonce.equals(Buffer.alloc(8))) return nonce;
  }
}

/**
 * The reply with the four timestamps of RFC 5905 section 8: T1 kept locally (the request carried a
 * nonce), T2/T3 from the server, T4 on the monotonic clock, so a clock step during the exchange
 * cannot distort the delay. offset = ((T2 - T1) + (T3 - T4)) / 2, delay = (T4 - T1) - (T3 - T2).
 */
function timedReply(packet: NtpPacket, request: SentRequest, receivedMono: number, plan: ExchangePlan): NtpResult {
  const t1 = request.wallMs;
  const t4 = request.wallMs + (receivedMono - request.monoMs);
  return {
    ok: true,
    reply: {
      ...packet,
      server: plan.target,
      address: plan.address,
      port: plan.port,
      clientTransmitMs: t1,
      clientReceiveMs: t4,
      ...offsetAndDelay(packet, t1, t4),
      attempts: request.attempt,
      durationMs: elapsed(plan.started),
    },
  };
}

function udpExchange(plan: ExchangePlan): Promise<NtpResult> {
  const { target, address, port, timeoutMs, signal, started, budgetEnd } = plan;
  return new Promise((resolve) => {
    const socket: Socket = createSocket(plan.family === 6 ? 'udp6' : 'udp4');
    const sent = new Map<string, SentRequest>();
    let attempts = 0;
    let lastRejection: { kind: 'malformed' | 'spoofed'; detail: string } | undefined;
    let rejectedCount = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    // Backstop for the whole exchange (4 × timeout from the start, lookup included), whatever the
    // socket does or fails to do.
    const budgetTimer = setTimeout(() => giveUp(), Math.max(0, budgetEnd - performance.now()));

    const finish = (result: NtpResult): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(budgetTimer);
      signal.removeEventListener('abort', onAbort);
      try {
        socket.close();
      } catch {
        // already closed by a socket error
      }
      resolve(result);
    };
    const failure = (kind: NtpFailureKind, detail: string): NtpResult => ({
      ok: false,
      failure: { kind, server: target, address, port, detail, attempts, waitedMs: elapsed(started), timeoutMs },
    });
    const giveUp = (): void => {
      if (lastRejection) {
        const count = rejectedCount === 1 ? '1 reply was' : `${rejectedCount} replies were`;
        finish(failure(lastRejection.kind, `${count} rejected; last: ${lastRejection.detail}`));
      } else {
        finish(failure('timeout', `no reply to ${attempts} request${attempts === 1 ? '' : 's'}`));
      }
    };
    const send = (): void => {
      const remaining = budgetEnd - performance.now();
      if (attempts >= NTP_MAX_ATTEMPTS || remaining <= 0) {
        giveUp();
        return;
      }
      attempts++;
      const nonce = newNonce();
      sent.set(nonce.toString('hex'), { attempt: attempts, wallMs: Date.now(), monoMs: performance.now() });
      socket.send(buildClientRequest(nonce), (error) => {
        if (error) finish(failure('network', `send failed: ${error.message}`));
      });
      clearTimeout(timer);
      timer = setTimeout(send, Math.min(timeoutMs, remaining));
    };
    const onAbort = (): void => finish(failure('aborted', 'the run was cancelled'));

    socket.on('message', (message) => {
      if (finished) return;
      const receivedMono = performance.now();
      const verdict = validateReply(message, (origin) => sent.get(origin));
      if (!verdict.ok) {
        rejectedCount++;
        lastRejection = verdict;
        // A broken or hostile peer will not improve by waiting; a genuine reply to an earlier
        // request is still accepted while the next attempt is out.
        send();
        return;
      }
      finish(timedReply(verdict.packet, verdict.request, receivedMono, plan));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        finish(failure('refused', `ICMP port unreachable from ${formatAddress({ host: address, port })}`));
      } else {
        finish(failure('network', error.code ? `${error.code}: ${error.message}` : error.message));
      }
    });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) {
      onAbort();
      return;
    }
    // A connected socket makes the kernel drop datagrams from other sources and report ICMP errors.
    socket.connect(port, address, () => send());
  });
}
