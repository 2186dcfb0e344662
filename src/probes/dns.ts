import { deadline, DeadlinePassed, whenAborted, type Deadline } from './deadline.js';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { randomInt } from 'node:crypto';
import { connect, isIP, type Socket as TcpSocket } from 'node:net';
import dnsPacket from 'dns-packet';
import type { ProbeOptions } from './options.js';
import {
  canonicalName,
  decodeReply,
  MalformedReply,
  outcomeOf,
  rcodeName,
  resolveAddressesWith,
  toRecord,
  type DnsProbe,
  type DnsQueryType,
  type DnsReply,
  type DnsResult,
} from './dns-answer.js';
import { formatAddress, parseAddress, type Address } from '../inventory/address.js';

/**
 * The DNS probe: the only code that talks DNS. Messages are built and decoded with dns-packet;
 * the transport is our own (connected UDP socket, TCP retry on TC=1) because the checks need a
 * single deadline covering UDP and the TCP retry, an AbortSignal, and a typed outcome for hostile
 * replies instead of "dropped, then timed out". What a reply means is judged in dns-answer.ts.
 */

export {
  ANSWERED,
  canonicalIp,
  canonicalName,
  createDnsProbeFrom,
  describeFailure,
  formatRecord,
  isAnswered,
  lookupEvidence,
  MAX_CNAME_HOPS,
  queryEvidence,
  reverseName,
  type AddressLookup,
  type DnsOutcome,
  type DnsProbe,
  type DnsQueryType,
  type DnsRecord,
  type DnsResult,
} from './dns-answer.js';

export const DNS_PORT = 53;
/** Timeouts one address lookup (all its CNAME hops) may take in all. */
export const LOOKUP_BUDGET = 3;

/** What the transport hands back: a decoded reply, or why there is none. */
type Exchange =
  | { reply: DnsReply; tcp: boolean }
  | { failure: 'timeout' | 'malformed' | 'network-error'; detail: string; tcp: boolean };

function buildQuery(name: string, type: DnsQueryType): { id: number; bytes: Buffer } {
  // RFC 5452 section 9.2: an unpredictable id is the first defence against spoofed replies.
  const id = randomInt(0x10000);
  const bytes = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
  });
  return { id, bytes };
}

function abortReason(signal: AbortSignal, timeoutMs: number): string {
  return signal.reason instanceof DeadlinePassed
    ? `no reply within ${timeoutMs} ms`
    : 'query cancelled before a reply arrived';
}

/** The deadline of one query (see src/probes/deadline.ts for why not AbortSignal.any). */
const queryDeadline = (timeoutMs: number, parent?: AbortSignal): Deadline => deadline(timeoutMs, parent);

function udpExchange(
  host: string,
  port: number,
  name: string,
  type: DnsQueryType,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Exchange> {
  const { id, bytes } = buildQuery(name, type);
  return new Promise((resolve) => {
    const socket: UdpSocket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const finish = (exchange: Exchange): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal.removeEventListener('abort', onAbort);
      socket.close();
      resolve(exchange);
    };
    const onAbort = (): void => finish({ failure: 'timeout', detail: abortReason(signal, timeoutMs), tcp: false });
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const detail =
        error.code === 'ECONNREFUSED'
          ? `port ${port} unreachable (ICMP): nothing listens there`
          : `UDP: ${error.message}`;
      finish({ failure: 'network-error', detail, tcp: false });
    });
    socket.on('message', (message) => {
      try {
        finish({ reply: decodeReply(message, id, name, type), tcp: false });
      } catch (error) {
        finish({
          failure: 'malformed',
          detail: error instanceof MalformedReply ? error.message : String(error),
          tcp: false,
        });
      }
    });
    const send = (): void => {
      if (!settled) socket.send(bytes);
    };
    // A connected socket only delivers datagrams from the resolver's address and port.
    socket.connect(port, host, () => {
      send();
      // UDP may be lost: resend twice inside the same deadline, as stub resolvers do.
      timers.push(setTimeout(send, timeoutMs / 3), setTimeout(send, (2 * timeoutMs) / 3));
    });
    if (signal.aborted) onAbort();
  });
}

/** TCP after TC=1 (RFC 7766): one length-prefixed message each way; 65,535 octets at most by framing. */
function tcpExchange(
  host: string,
  port: number,
  name: string,
  type: DnsQueryType,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Exchange> {
  const { id, bytes } = buildQuery(name, type);
  return new Promise((resolve) => {
    const socket: TcpSocket = connect({ host, port });
    const chunks: Buffer[] = [];
    let received = 0;
    let expected: number | undefined;
    let settled = false;
    const finish = (exchange: Exchange): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(exchange);
    };
    const onAbort = (): void =>
      finish({
        failure: 'timeout',
        detail: `UDP reply was truncated; TCP retry: ${abortReason(signal, timeoutMs)}`,
        tcp: true,
      });
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        failure: 'network-error',
        detail: `UDP reply was truncated; TCP retry failed: ${error.code ?? error.message}`,
        tcp: true,
      }),
    );
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(bytes.length);
      socket.write(Buffer.concat([length, bytes]));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (expected === undefined && received >= 2) expected = Buffer.concat(chunks).readUInt16BE(0);
      if (expected === undefined || received < expected + 2) return;
      const message = Buffer.concat(chunks).subarray(2, expected + 2);
      try {
        const reply = decodeReply(message, id, name, type);
        if (reply.truncated) finish({ failure: 'malformed', detail: 'TCP reply has the TC bit set', tcp: true });
        else finish({ reply, tcp: true });
      } catch (error) {
        finish({
          failure: 'malformed',
          detail: `TCP: ${error instanceof MalformedReply ? error.message : String(error)}`,
          tcp: true,
        });
      }
    });
    socket.on('end', () =>
      finish({
        failure: 'malformed',
        detail: `TCP connection closed after ${Math.max(0, received - 2)} of ${expected ?? '?'} reply octets`,
        tcp: true,
      }),
    );
    if (signal.aborted) onAbort();
  });
}

async function resolveHost(host: string, signal: AbortSignal): Promise<string> {
  if (isIP(host) !== 0) return host;
  const lookedUp = lookup(host).then((result) => result.address);
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(new Error('cancelled'));
    signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
  });
  return Promise.race([lookedUp, aborted]);
}

/**
 * One query against one resolver: UDP, then TCP when the reply is truncated, all within one
 * timeout (SPEC section 2: one DNS query = UDP plus its TCP retry).
 */
export async function sendQuery(
  address: Address,
  name: string,
  type: DnsQueryType,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<DnsResult> {
  const started = performance.now();
  const resolver = formatAddress(address);
  const { signal: deadline, release } = queryDeadline(timeoutMs, signal);
  const base = { resolver, name: canonicalName(name), type };
  const done = (partial: Omit<DnsResult, 'resolver' | 'name' | 'type' | 'durationMs'>): DnsResult => ({
    ...base,
    ...partial,
    durationMs: Math.round(performance.now() - started),
  });
  let exchange: Exchange;
  try {
    let host: string;
    try {
      host = await resolveHost(address.host, deadline);
    } catch (error) {
      const detail = deadline.aborted
        ? abortReason(deadline, timeoutMs)
        : `cannot resolve the resolver's name ${address.host}: ${(error as Error).message}`;
      return done({ outcome: deadline.aborted ? 'timeout' : 'network-error', answers: [], tcp: false, detail });
    }
    exchange = await udpExchange(host, address.port, base.name, type, deadline, timeoutMs);
    if ('reply' in exchange && exchange.reply.truncated) {
      exchange = await tcpExchange(host, address.port, base.name, type, deadline, timeoutMs);
    }
  } finally {
    release();
  }
  if ('failure' in exchange)
    return done({ outcome: exchange.failure, answers: [], tcp: exchange.tcp, detail: exchange.detail });
  const { rcode, authoritative } = exchange.reply;
  const answers = exchange.reply.answers.map(toRecord);
  const outcome = outcomeOf(rcode, answers);
  return done({ outcome, rcode: rcodeName(rcode), answers, tcp: exchange.tcp, authoritative });
}

function cancelled(
  resolver: string,
  name: string,
  type: DnsQueryType,
  signal: AbortSignal,
  timeoutMs: number,
): DnsResult {
  const detail =
    signal.reason instanceof DeadlinePassed
      ? `the lookup used up its budget of ${LOOKUP_BUDGET * timeoutMs} ms (${LOOKUP_BUDGET} x timeout) before this query was answered`
      : 'query cancelled before a reply arrived';
  return {
    resolver,
    name: canonicalName(name),
    type,
    outcome: 'timeout',
    answers: [],
    tcp: false,
    detail,
    durationMs: 0,
  };
}

export function createDnsProbe(options: ProbeOptions): DnsProbe {
  const timeoutMs = options.inventory.dns.timeoutMs ?? options.timeoutMs;
  const cache = new Map<string, Promise<DnsResult>>();
  const query: DnsProbe['query'] = async (resolverText, name, type, signal) => {
    let address: Address;
    try {
      address = parseAddress(resolverText, DNS_PORT);
    } catch (error) {
      return {
        resolver: resolverText,
        name: canonicalName(name),
        type,
        outcome: 'network-error',
        answers: [],
        tcp: false,
        detail: (error as Error).message,
        durationMs: 0,
      };
    }
    const resolver = formatAddress(address);
    const key = `${resolver}\u0000${canonicalName(name)}\u0000${type}`;
    let pending = cache.get(key);
    if (!pending) {
      // The shared query obeys only the run's signal: one caller's deadline must not poison the cache.
      pending = options.limiter.run(() => sendQuery(address, name, type, timeoutMs, options.signal));
      cache.set(key, pending);
    }
    if (!signal) return pending;
    if (signal.aborted) return cancelled(resolver, name, type, signal, timeoutMs);
    return Promise.race([pending, whenAborted(signal).then(() => cancelled(resolver, name, type, signal, timeoutMs))]);
  };
  return {
    query,
    // SPEC section 2: all work against one peer ends within 4 x timeout. A lookup gets 3 x, so the
    // query a check makes before it (the SRV or the PTR) plus the lookup stay within 4 x.
    async resolveAddresses(resolver, name, signal) {
      const budget = queryDeadline(LOOKUP_BUDGET * timeoutMs, signal);
      try {
        return await resolveAddressesWith(query, resolver, name, budget.signal);
      } finally {
        budget.release();
      }
    },
    async close() {
      cache.clear();
    },
  };
}
