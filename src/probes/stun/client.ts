import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import net, { isIP, isIPv6 } from 'node:net';
import tls from 'node:tls';
import { deadline, DeadlinePassed, type Deadline } from '../deadline.js';
import { printable } from '../peer-text.js';
import {
  Attr,
  checkIntegrity,
  decodeMessage,
  encodeMessage,
  HEADER_BYTES,
  longTermKey,
  MAGIC_COOKIE,
  MAX_BODY_BYTES,
  newTransactionId,
  readAddress,
  readErrorCode,
  readOpaque,
  readText,
  readUint32,
  requestedTransportValue,
  StunMethod,
  uint32Value,
  type StunMessage,
  type TransportAddress,
} from './message.js';

/**
 * A STUN/TURN client for one question each: does this server answer a Binding request on this
 * transport (RFC 5389), and, with credentials, does it grant an allocation that is then released
 * (RFC 5766)? Every outcome is a typed result; the TURN password only ever enters the HMAC key.
 */

export type StunTransport = 'udp' | 'tcp' | 'tls';

export type StunFailure =
  /** No usable answer within the timeout (UDP: after RFC 5389 retransmissions). */
  | 'timeout'
  | 'cancelled'
  /** TCP RST, or ICMP port unreachable on UDP. */
  | 'refused'
  | 'unreachable'
  | 'unresolved'
  /** The TLS handshake failed (TURN over TLS). */
  | 'tls'
  /** The server closed the connection without an answer. */
  | 'closed'
  /** Bytes that are not an RFC 5389 message, or a message missing what the answer must carry. */
  | 'malformed'
  /** STUN answers, but none for our transaction id (UDP: only such answers within the timeout). */
  | 'mismatch'
  /** A STUN error response (ERROR-CODE) other than the ones below. */
  | 'error-response'
  /** 401 after we sent MESSAGE-INTEGRITY: the server rejects the credentials. */
  | 'unauthorized'
  /** The answer's MESSAGE-INTEGRITY does not verify with our key. */
  | 'integrity';

export interface StunTarget {
  /** IP address or host name (resolved with the system resolver). */
  host: string;
  port: number;
  transport: StunTransport;
}

export interface StunProbeOptions {
  /** Bound of the connection and of each transaction. */
  timeoutMs: number;
  signal: AbortSignal;
  /**
   * TLS: PEM roots to verify the server against; the result says whether it verified (the probe goes on either
   * way).
   */
  tlsCa?: readonly string[];
}

export interface TlsFacts {
  protocol: string;
  /** Whether the chain verified against `tlsCa` (or Node's roots) and named the host. */
  authorized: boolean;
  authorizationError?: string;
}

interface Base {
  /** `host:port` as asked. */
  server: string;
  transport: StunTransport;
  /** The IP address the probe talked to, when the name resolved. */
  address?: string;
  durationMs: number;
}

export type StunBindingResult =
  | (Base & {
      ok: true;
      /** XOR-MAPPED-ADDRESS: the client's address as the server sees it. */
      mapped: TransportAddress;
      software?: string;
      rttMs: number;
      /** UDP requests sent again before the answer (RFC 5389 section 7.2.1). */
      retransmits: number;
      /** UDP datagrams dropped while waiting: not STUN, or for another transaction. */
      ignored: { malformed: number; mismatched: number };
      tls?: TlsFacts;
    })
  | (Base & { ok: false; failure: StunFailure; detail: string; errorCode?: number; tls?: TlsFacts });

export interface TurnCredentials {
  username: string;
  password: string;
}

export type TurnStage = 'connect' | 'challenge' | 'allocate' | 'refresh';

export type TurnAllocateResult =
  | (Base & {
      ok: true;
      realm: string;
      /** XOR-RELAYED-ADDRESS of the allocation. */
      relayed: TransportAddress;
      mapped?: TransportAddress;
      lifetimeSeconds?: number;
      /** The Refresh with LIFETIME 0 (RFC 5766 section 7): whether the allocation was released. */
      release: { ok: true } | { ok: false; failure: StunFailure; detail: string; errorCode?: number };
      /** 438 Stale Nonce answers that were retried with the fresh nonce (at most one per request). */
      staleNonceRetries: number;
      software?: string;
      tls?: TlsFacts;
    })
  | (Base & {
      ok: false;
      stage: TurnStage;
      failure: StunFailure;
      detail: string;
      errorCode?: number;
      realm?: string;
      tls?: TlsFacts;
    });

type Outcome<T> = ({ ok: true } & T) | { ok: false; failure: StunFailure; detail: string; errorCode?: number };

/** RFC 5389 section 7.2.1: the first retransmission after 500 ms, doubling after each. */
const INITIAL_RTO_MS = 500;
/** A stream peer may not send more than one maximal message while we wait for our answer. */
const MAX_STREAM_BUFFER = HEADER_BYTES + MAX_BODY_BYTES;
/** RFC 5766 section 14.7: REQUESTED-TRANSPORT is UDP, the only value RFC 5766 defines. */
const UDP_PROTOCOL = 17;

const serverLabel = (target: StunTarget): string =>
  target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;

function socketFailure(error: unknown): { failure: StunFailure; detail: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  if (code === 'ECONNREFUSED') return { failure: 'refused', detail: `connection refused (${message})` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA')
    return { failure: 'unresolved', detail: `the name does not resolve (${code})` };
  if (['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN'].includes(code))
    return { failure: 'unreachable', detail: message };
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return { failure: 'closed', detail: `the server reset the connection (${code})` };
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || /ssl|tls/i.test(message))
    return { failure: 'tls', detail: `TLS handshake failed: ${message}` };
  return { failure: 'unreachable', detail: message || 'connection failed' };
}

function boundFailure(bound: Deadline, what: string, timeoutMs: number): { failure: StunFailure; detail: string } {
  return bound.signal.reason instanceof DeadlinePassed
    ? { failure: 'timeout', detail: `${what}: no answer within ${timeoutMs} ms` }
    : { failure: 'cancelled', detail: 'the run was cancelled' };
}

/** Resolves a name once, so the result can say which address was tried (the system resolver: as a client would). */
async function resolveHost(host: string, bound: Deadline): Promise<Outcome<{ address: string }>> {
  if (isIP(host)) return { ok: true, address: host };
  const aborted = new Promise<'aborted'>((resolve) =>
    bound.signal.aborted ? resolve('aborted') : bound.signal.addEventListener('abort', () => resolve('aborted')),
  );
  try {
    const answer = await Promise.race([lookup(host), aborted]);
    if (answer === 'aborted') return { ok: false, ...boundFailure(bound, 'name resolution', 0) };
    return { ok: true, address: answer.address };
  } catch (error) {
    return { ok: false, ...socketFailure(error) };
  }
}

interface Answer {
  message: StunMessage;
  retransmits: number;
  /** UDP datagrams dropped while waiting: not STUN, or for another transaction. */
  ignored: { malformed: number; mismatched: number };
}

interface Channel {
  transact(request: Buffer, transactionId: Buffer, bound: Deadline): Promise<Outcome<Answer>>;
  tls?: TlsFacts;
  close(): void;
}

/** UDP: a connected socket (so ICMP port unreachable surfaces as ECONNREFUSED), retransmitting per RFC 5389. */
function openUdp(address: string, port: number, bound: Deadline): Promise<Outcome<{ channel: Channel }>> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    let handler: ((message: Buffer) => void) | undefined;
    let errorHandler: ((error: Error) => void) | undefined;
    socket.on('message', (message) => handler?.(message));
    socket.on('error', (error) => errorHandler?.(error));
    const fail = (error: unknown): void => {
      socket.close();
      resolve({ ok: false, ...socketFailure(error) });
    };
    errorHandler = fail;
    socket.connect(port, address, () => {
      errorHandler = undefined;
      const channel: Channel = {
        transact(request, transactionId, transactionBound) {
          return new Promise((done) => {
            let retransmits = 0;
            let rto = INITIAL_RTO_MS;
            let malformed = 0;
            let mismatched = 0;
            let lastProblem = '';
            let timer: NodeJS.Timeout | undefined;
            const finish = (outcome: Outcome<Answer>): void => {
              clearTimeout(timer);
              handler = undefined;
              errorHandler = undefined;
              transactionBound.signal.removeEventListener('abort', onAbort);
              done(outcome);
            };
            const send = (): void => {
              socket.send(request, (error) => {
                if (error) finish({ ok: false, ...socketFailure(error) });
              });
            };
            const schedule = (): void => {
              timer = setTimeout(() => {
                retransmits++;
                send();
                rto *= 2;
                schedule();
              }, rto);
            };
            const onAbort = (): void => {
              if (!(transactionBound.signal.reason instanceof DeadlinePassed))
                return finish({ ok: false, failure: 'cancelled', detail: 'the run was cancelled' });
              // Silence is a timeout; a server that only sent garbage or stray answers is named for it.
              if (mismatched > 0)
                return finish({
                  ok: false,
                  failure: 'mismatch',
                  detail: `${mismatched} STUN answer(s) for another transaction id and none for ours`,
                });
              if (malformed > 0)
                return finish({
                  ok: false,
                  failure: 'malformed',
                  detail: `${malformed} datagram(s) that are not valid STUN (${lastProblem})`,
                });
              finish({
                ok: false,
                ...boundFailure(transactionBound, 'STUN', 0),
                detail: 'no answer before the timeout',
              });
            };
            handler = (bytes) => {
              const decoded = decodeMessage(bytes);
              if (!decoded.ok) {
                malformed++;
                lastProblem = decoded.detail;
                return;
              }
              const message = decoded.message;
              if (message.cls === 'request' || message.cls === 'indication') return;
              if (!message.transactionId.equals(transactionId)) {
                mismatched++;
                return;
              }
              finish({ ok: true, message, retransmits, ignored: { malformed, mismatched } });
            };
            errorHandler = (error) => finish({ ok: false, ...socketFailure(error) });
            if (transactionBound.signal.aborted) return onAbort();
            transactionBound.signal.addEventListener('abort', onAbort, { once: true });
            send();
            schedule();
          });
        },
        close: () => socket.close(),
      };
      resolve({ ok: true, channel });
    });
    bound.signal.addEventListener('abort', () => fail(bound.signal.reason), { once: true });
  });
}

/** TCP or TLS: RFC 5389 section 7.2.2 framing (the length field tells where a message ends). */
function openStream(
  address: string,
  target: StunTarget,
  bound: Deadline,
  options: StunProbeOptions,
): Promise<Outcome<{ channel: Channel }>> {
  return new Promise((resolve) => {
    let settled = false;
    const socket: net.Socket =
      target.transport === 'tls'
        ? tls.connect({
            host: address,
            port: target.port,
            ...(isIP(target.host) ? {} : { servername: target.host }),
            rejectUnauthorized: false,
            ...(options.tlsCa ? { ca: [...options.tlsCa] } : {}),
          })
        : net.connect({ host: address, port: target.port });
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({
        ok: false,
        ...boundFailure(bound, target.transport === 'tls' ? 'TLS handshake' : 'TCP connect', options.timeoutMs),
      });
    };
    bound.signal.addEventListener('abort', onAbort, { once: true });
    const onEarlyError = (error: Error): void => {
      if (settled) return;
      settled = true;
      bound.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ok: false, ...socketFailure(error) });
    };
    socket.once('error', onEarlyError);
    socket.once(target.transport === 'tls' ? 'secureConnect' : 'connect', () => {
      if (settled) return;
      settled = true;
      bound.signal.removeEventListener('abort', onAbort);
      socket.off('error', onEarlyError);
      resolve({ ok: true, channel: streamChannel(socket, target.transport === 'tls') });
    });
  });
}

type StreamEvent = { data?: Buffer; error?: Error; closed?: boolean };

/** A connected TCP or TLS socket as a channel: one request at a time, answers read by their framing. */
function streamChannel(socket: net.Socket, isTls: boolean): Channel {
  let buffered: Buffer = Buffer.alloc(0);
  let waiter: ((event: StreamEvent) => void) | undefined;
  let closedOrFailed: StreamEvent | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiter?.({ data: chunk });
  });
  socket.on('error', (error) => {
    closedOrFailed = { error };
    waiter?.({ error });
  });
  socket.on('close', () => {
    closedOrFailed ??= { closed: true };
    waiter?.({ closed: true });
  });
  const secure = socket as tls.TLSSocket;
  return {
    ...(isTls
      ? {
          tls: {
            protocol: secure.getProtocol() ?? 'unknown',
            authorized: secure.authorized,
            ...(secure.authorizationError ? { authorizationError: String(secure.authorizationError) } : {}),
          },
        }
      : {}),
    transact(request, transactionId, transactionBound) {
      return new Promise((done) => {
        const finish = (outcome: Outcome<Answer>): void => {
          waiter = undefined;
          transactionBound.signal.removeEventListener('abort', onTransactionAbort);
          done(outcome);
        };
        const onTransactionAbort = (): void =>
          finish({ ok: false, ...boundFailure(transactionBound, 'STUN', 0), detail: 'no answer before the timeout' });
        // Reads every complete message in the buffer; settles on ours or on the first problem.
        const examine = (): boolean => {
          for (;;) {
            const frame = readFrame(buffered, transactionId);
            if (frame.kind === 'incomplete') return false;
            buffered = frame.rest;
            if (frame.kind === 'settled') {
              finish(frame.outcome);
              return true;
            }
          }
        };
        const onEvent = (event: StreamEvent): void => {
          if (event.data) {
            if (examine()) return;
            if (buffered.length > MAX_STREAM_BUFFER)
              finish({ ok: false, failure: 'malformed', detail: 'more bytes than one STUN message can hold' });
            return;
          }
          if (event.error) return finish({ ok: false, ...socketFailure(event.error) });
          finish({ ok: false, failure: 'closed', detail: 'the server closed the connection without answering' });
        };
        if (transactionBound.signal.aborted) return onTransactionAbort();
        transactionBound.signal.addEventListener('abort', onTransactionAbort, { once: true });
        if (examine()) return;
        if (closedOrFailed) return onEvent(closedOrFailed);
        waiter = onEvent;
        socket.write(request, (error) => {
          if (error) finish({ ok: false, ...socketFailure(error) });
        });
      });
    },
    close: () => socket.destroy(),
  };
}

/**
 * The first message of a stream buffer (RFC 5389 section 7.2.2: the length field tells where it
 * ends): not complete yet, a request or indication to skip, or what settles the transaction (our
 * answer, another transaction id, or bytes that are not STUN). `rest` is the buffer after it.
 */
function readFrame(
  buffered: Buffer,
  transactionId: Buffer,
):
  | { kind: 'incomplete' }
  | { kind: 'skip'; rest: Buffer }
  | { kind: 'settled'; rest: Buffer; outcome: Outcome<Answer> } {
  if (buffered.length < HEADER_BYTES) return { kind: 'incomplete' };
  const type = buffered.readUInt16BE(0);
  const length = buffered.readUInt16BE(2);
  if ((type & 0xc000) !== 0 || buffered.readUInt32BE(4) !== MAGIC_COOKIE || length % 4 !== 0) {
    const decoded = decodeMessage(buffered.subarray(0, Math.min(buffered.length, HEADER_BYTES + length)));
    const detail = decoded.ok ? 'the stream does not carry STUN framing' : decoded.detail;
    return { kind: 'settled', rest: buffered, outcome: { ok: false, failure: 'malformed', detail } };
  }
  if (buffered.length < HEADER_BYTES + length) return { kind: 'incomplete' };
  const rest = buffered.subarray(HEADER_BYTES + length);
  const decoded = decodeMessage(Buffer.from(buffered.subarray(0, HEADER_BYTES + length)));
  if (!decoded.ok)
    return { kind: 'settled', rest, outcome: { ok: false, failure: 'malformed', detail: decoded.detail } };
  const message = decoded.message;
  if (message.cls === 'request' || message.cls === 'indication') return { kind: 'skip', rest };
  // One request at a time on this connection: any other id is the server's mistake.
  if (!message.transactionId.equals(transactionId))
    return {
      kind: 'settled',
      rest,
      outcome: { ok: false, failure: 'mismatch', detail: 'the answer carries another transaction id' },
    };
  return {
    kind: 'settled',
    rest,
    outcome: { ok: true, message, retransmits: 0, ignored: { malformed: 0, mismatched: 0 } },
  };
}

async function openChannel(
  target: StunTarget,
  options: StunProbeOptions,
): Promise<Outcome<{ channel: Channel; address: string }>> {
  const bound = deadline(options.timeoutMs, options.signal);
  try {
    const resolved = await resolveHost(target.host, bound);
    if (!resolved.ok)
      return resolved.failure === 'timeout'
        ? { ...resolved, detail: `name resolution: no answer within ${options.timeoutMs} ms` }
        : resolved;
    const opened =
      target.transport === 'udp'
        ? await openUdp(resolved.address, target.port, bound)
        : await openStream(resolved.address, target, bound, options);
    return opened.ok ? { ok: true, channel: opened.channel, address: resolved.address } : opened;
  } finally {
    bound.release();
  }
}

async function transaction(
  channel: Channel,
  request: Buffer,
  transactionId: Buffer,
  options: StunProbeOptions,
): Promise<Outcome<Answer & { rttMs: number }>> {
  const started = performance.now();
  const bound = deadline(options.timeoutMs, options.signal);
  try {
    const outcome = await channel.transact(request, transactionId, bound);
    if (!outcome.ok && outcome.failure === 'timeout')
      return { ...outcome, detail: `no answer within ${options.timeoutMs} ms` };
    return outcome.ok ? { ...outcome, rttMs: Math.round(performance.now() - started) } : outcome;
  } finally {
    bound.release();
  }
}

/** An error response as a typed failure, its reason phrase made printable. */
function errorOutcome(
  message: StunMessage,
  what: string,
): { failure: StunFailure; detail: string; errorCode?: number } {
  const error = readErrorCode(message);
  if (!error.ok)
    return { failure: 'malformed', detail: `${what}: an error response without a valid ERROR-CODE (${error.detail})` };
  return {
    failure: 'error-response',
    detail: `${what}: ${error.value.code}${error.value.reason ? ` ${error.value.reason}` : ''}`,
    errorCode: error.value.code,
  };
}

/**
 * RFC 5389 Binding request on one transport: the answer must be a success response for our
 * transaction id, with the magic cookie, carrying a valid XOR-MAPPED-ADDRESS.
 */
export async function stunBinding(target: StunTarget, options: StunProbeOptions): Promise<StunBindingResult> {
  const started = performance.now();
  const base = (): Base => ({
    server: serverLabel(target),
    transport: target.transport,
    durationMs: Math.round(performance.now() - started),
  });
  const opened = await openChannel(target, options);
  if (!opened.ok) return { ...base(), ...opened };
  const { channel, address } = opened;
  const tlsFacts = channel.tls ? { tls: channel.tls } : {};
  try {
    const transactionId = newTransactionId();
    const request = encodeMessage(
      { method: StunMethod.Binding, cls: 'request', transactionId, attributes: [] },
      { fingerprint: true },
    );
    const answer = await transaction(channel, request, transactionId, options);
    if (!answer.ok) return { ...base(), address, ...tlsFacts, ...answer };
    const { message } = answer;
    if (message.method !== StunMethod.Binding)
      return {
        ...base(),
        address,
        ...tlsFacts,
        ok: false,
        failure: 'malformed',
        detail: `the answer is for method 0x${message.method.toString(16)}, not Binding`,
      };
    if (message.cls === 'error')
      return { ...base(), address, ...tlsFacts, ok: false, ...errorOutcome(message, 'Binding') };
    const mapped = readAddress(message, Attr.XorMappedAddress, true);
    if (!mapped.ok) {
      const legacy = readAddress(message, Attr.MappedAddress, false).ok
        ? ' (only MAPPED-ADDRESS: an RFC 3489 server)'
        : '';
      return {
        ...base(),
        address,
        ...tlsFacts,
        ok: false,
        failure: 'malformed',
        detail: `Binding success without a valid XOR-MAPPED-ADDRESS: ${mapped.detail}${legacy}`,
      };
    }
    const software = readText(message, Attr.Software);
    return {
      ...base(),
      address,
      ...tlsFacts,
      ok: true,
      mapped: mapped.value,
      ...(software.ok ? { software: printable(software.value, 120) } : {}),
      rttMs: answer.rttMs,
      retransmits: answer.retransmits,
      ignored: answer.ignored,
    };
  } finally {
    channel.close();
  }
}

interface Credentials {
  key: Buffer;
  username: Buffer;
  realm: Buffer;
  nonce: Buffer;
}

/**
 * RFC 5766 Allocate with the long-term credential mechanism (RFC 5389 section 10.2): an
 * unauthenticated Allocate draws 401 with REALM and NONCE; the second carries USERNAME, REALM,
 * NONCE and MESSAGE-INTEGRITY (key MD5(username:realm:password)) and FINGERPRINT; a 438 Stale
 * Nonce is retried once with the new nonce. The allocation is then released with a Refresh whose
 * LIFETIME is 0, on the same 5-tuple (RFC 5766 section 7).
 */
export async function turnAllocate(
  target: StunTarget,
  credentials: TurnCredentials,
  options: StunProbeOptions,
): Promise<TurnAllocateResult> {
  const started = performance.now();
  const base = (): Base => ({
    server: serverLabel(target),
    transport: target.transport,
    durationMs: Math.round(performance.now() - started),
  });
  const opened = await openChannel(target, options);
  if (!opened.ok) return { ...base(), stage: 'connect', ...opened };
  const { channel, address } = opened;
  const tlsFacts = channel.tls ? { tls: channel.tls } : {};
  const failed = (stage: TurnStage, problem: Problem, realm?: string): TurnAllocateResult => ({
    ...base(),
    address,
    ...tlsFacts,
    ok: false,
    stage,
    ...problem,
    ...(realm ? { realm } : {}),
  });

  try {
    // 1. The challenge: an Allocate without credentials.
    const first = allocateRequest(undefined);
    const challenge = await transaction(channel, first.bytes, first.id, options);
    if (!challenge.ok) return failed('challenge', challenge);
    let auth: Credentials | undefined;
    let answer = challenge.message;
    let staleNonceRetries = 0;
    if (answer.cls === 'error') {
      const error = readErrorCode(answer);
      if (!error.ok || error.value.code !== 401) return failed('challenge', errorOutcome(answer, 'Allocate'));
      const fresh = challengeOf(answer, credentials);
      if (!fresh.ok)
        return failed('challenge', { failure: 'malformed', detail: `401 without a usable ${fresh.detail}` });
      // 2. The authenticated Allocate.
      const allocated = await authenticatedAllocate(channel, fresh.value, credentials, options);
      if (!allocated.ok) return failed('allocate', allocated.problem, allocated.auth.realm.toString('utf8'));
      ({ answer, auth, staleNonceRetries } = allocated);
    }
    const realm = auth ? auth.realm.toString('utf8') : '';
    if (answer.method !== StunMethod.Allocate)
      return failed('allocate', { failure: 'malformed', detail: 'the answer is not for Allocate' }, realm);
    const relayed = readAddress(answer, Attr.XorRelayedAddress, true);
    if (!relayed.ok)
      return failed(
        'allocate',
        { failure: 'malformed', detail: `Allocate success without a valid XOR-RELAYED-ADDRESS: ${relayed.detail}` },
        realm,
      );
    const mapped = readAddress(answer, Attr.XorMappedAddress, true);
    const lifetime = readUint32(answer, Attr.Lifetime);
    const software = readText(answer, Attr.Software);
    // 3. Release the allocation.
    const released = await releaseAllocation(channel, auth, credentials, options);
    return {
      ...base(),
      address,
      ...tlsFacts,
      ok: true,
      realm,
      relayed: relayed.value,
      ...(mapped.ok ? { mapped: mapped.value } : {}),
      ...(lifetime.ok ? { lifetimeSeconds: lifetime.value } : {}),
      release: released.release,
      staleNonceRetries: staleNonceRetries + (released.staleNonceRetried ? 1 : 0),
      ...(software.ok ? { software: printable(software.value, 120) } : {}),
    };
  } finally {
    channel.close();
  }
}

type Problem = { failure: StunFailure; detail: string; errorCode?: number };
type Release = Extract<TurnAllocateResult, { ok: true }>['release'];

/** A request of one method with REQUESTED-TRANSPORT or LIFETIME, authenticated when auth is given. */
function turnRequest(
  method: number,
  attributes: Array<{ type: number; value: Buffer }>,
  auth: Credentials | undefined,
): { bytes: Buffer; id: Buffer } {
  const id = newTransactionId();
  return {
    id,
    bytes: encodeMessage(
      { method, cls: 'request', transactionId: id, attributes: [...attributes, ...(auth ? authAttributes(auth) : [])] },
      { fingerprint: true, ...(auth ? { integrityKey: auth.key } : {}) },
    ),
  };
}

const allocateRequest = (auth: Credentials | undefined): { bytes: Buffer; id: Buffer } =>
  turnRequest(
    StunMethod.Allocate,
    [{ type: Attr.RequestedTransport, value: requestedTransportValue(UDP_PROTOCOL) }],
    auth,
  );

/**
 * The Allocate with the credentials of a 401 challenge, retried once on 438 Stale Nonce; a success
 * must carry a MESSAGE-INTEGRITY that verifies with them.
 */
async function authenticatedAllocate(
  channel: Channel,
  challenged: Credentials,
  credentials: TurnCredentials,
  options: StunProbeOptions,
): Promise<
  | { ok: true; answer: StunMessage; auth: Credentials; staleNonceRetries: number }
  | { ok: false; problem: Problem; auth: Credentials }
> {
  let auth = challenged;
  let staleNonceRetries = 0;
  for (;;) {
    const request = allocateRequest(auth);
    const reply = await transaction(channel, request.bytes, request.id, options);
    if (!reply.ok) return { ok: false, problem: reply, auth };
    const answer = reply.message;
    if (answer.cls !== 'error') {
      if (checkIntegrity(answer, auth.key) === 'valid') return { ok: true, answer, auth, staleNonceRetries };
      const detail = 'the Allocate success response has no MESSAGE-INTEGRITY that verifies with the credentials';
      return { ok: false, problem: { failure: 'integrity', detail }, auth };
    }
    const code = readErrorCode(answer);
    if (code.ok && code.value.code === 438 && staleNonceRetries === 0) {
      const renewed = challengeOf(answer, credentials, auth);
      if (!renewed.ok)
        return { ok: false, problem: { failure: 'malformed', detail: `438 without a usable ${renewed.detail}` }, auth };
      auth = renewed.value;
      staleNonceRetries++;
      continue;
    }
    if (code.ok && code.value.code === 401) {
      const reason = code.value.reason ? ` ${code.value.reason}` : '';
      const detail = `the server rejected the credentials (401${reason} after MESSAGE-INTEGRITY)`;
      return { ok: false, problem: { failure: 'unauthorized', detail, errorCode: 401 }, auth };
    }
    return { ok: false, problem: errorOutcome(answer, 'Allocate'), auth };
  }
}

/** Refresh with LIFETIME 0 (the allocation released), retried once on 438 Stale Nonce. */
async function releaseAllocation(
  channel: Channel,
  challenged: Credentials | undefined,
  credentials: TurnCredentials,
  options: StunProbeOptions,
): Promise<{ release: Release; staleNonceRetried: boolean }> {
  let auth = challenged;
  let staleNonceRetried = false;
  for (;;) {
    const request = turnRequest(StunMethod.Refresh, [{ type: Attr.Lifetime, value: uint32Value(0) }], auth);
    const reply = await transaction(channel, request.bytes, request.id, options);
    if (!reply.ok)
      return {
        release: { ok: false, failure: reply.failure, detail: `Refresh (LIFETIME 0): ${reply.detail}` },
        staleNonceRetried,
      };
    if (reply.message.cls === 'error') {
      const code = readErrorCode(reply.message);
      if (auth && code.ok && code.value.code === 438 && !staleNonceRetried) {
        const renewed = challengeOf(reply.message, credentials, auth);
        if (renewed.ok) {
          auth = renewed.value;
          staleNonceRetried = true;
          continue;
        }
      }
      return { release: { ok: false, ...errorOutcome(reply.message, 'Refresh (LIFETIME 0)') }, staleNonceRetried };
    }
    if (auth && checkIntegrity(reply.message, auth.key) !== 'valid') {
      const detail = 'the Refresh success response does not verify with the credentials';
      return { release: { ok: false, failure: 'integrity', detail }, staleNonceRetried };
    }
    return { release: { ok: true }, staleNonceRetried };
  }
}

function authAttributes(auth: Credentials): Array<{ type: number; value: Buffer }> {
  return [
    { type: Attr.Username, value: auth.username },
    { type: Attr.Realm, value: auth.realm },
    { type: Attr.Nonce, value: auth.nonce },
  ];
}

/** REALM and NONCE of a 401 or 438 (a 438 may omit REALM: the previous one stays). */
function challengeOf(
  message: StunMessage,
  credentials: TurnCredentials,
  previous?: Credentials,
): { ok: true; value: Credentials } | { ok: false; detail: string } {
  const nonce = readOpaque(message, Attr.Nonce);
  if (!nonce.ok) return { ok: false, detail: 'NONCE' };
  const realmRead = readOpaque(message, Attr.Realm);
  const realm = realmRead.ok ? realmRead.value : previous?.realm;
  if (!realm) return { ok: false, detail: 'REALM' };
  const username = Buffer.from(credentials.username, 'utf8');
  if (username.length > 513) return { ok: false, detail: 'USERNAME (ours is over 513 bytes)' };
  return {
    ok: true,
    value: {
      key: longTermKey(credentials.username, realm.toString('utf8'), credentials.password),
      username,
      realm,
      nonce: nonce.value,
    },
  };
}
