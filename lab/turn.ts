import { randomBytes, randomInt } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import {
  addressValue,
  Attr,
  checkIntegrity,
  decodeMessage,
  encodeMessage,
  errorCodeValue,
  HEADER_BYTES,
  longTermKey,
  readText,
  readUint32,
  StunMethod,
  uint32Value,
  type StunMessage,
  type TransportAddress,
} from '../src/probes/stun/message.js';

/**
 * A small STUN/TURN responder of our own, so the demo (and tests that need a scripted peer) work
 * on a machine without coturn. It supports, on UDP and TCP on one port:
 * - RFC 5389 Binding: a success with XOR-MAPPED-ADDRESS, SOFTWARE and FINGERPRINT;
 * - RFC 5766 Allocate and Refresh with the long-term credential mechanism when `users` is given:
 *   401 with REALM and NONCE, MESSAGE-INTEGRITY checked with MD5(user:realm:password), an
 *   allocation recorded per 5-tuple and released by LIFETIME 0. It relays nothing: the relayed
 *   address it grants is a port on its own address that carries no traffic.
 * `behaviour` makes it a hostile peer for the probes' tests (garbage, wrong ids, broken lengths).
 */
export type TurnResponderBehaviour =
  | 'normal'
  /** Never answers (reads and drops every request). */
  | 'silent'
  /** Answers with bytes that are not STUN. */
  | 'garbage'
  /** A well-formed success for another transaction id. */
  | 'wrong-transaction'
  /** The RFC 3489 cookie-less header: not an RFC 5389 message. */
  | 'wrong-cookie'
  /** An attribute whose length runs past the end of the message. */
  | 'attribute-past-end'
  /** A message packed with thousands of empty attributes. */
  | 'many-attributes'
  /** A success without XOR-MAPPED-ADDRESS, only the RFC 3489 MAPPED-ADDRESS. */
  | 'legacy-mapped'
  /** TCP: one byte of a valid answer every 200 ms, never finishing within a probe timeout. */
  | 'trickle'
  /** TCP: a header announcing the largest body, then nothing. */
  | 'huge-length'
  /** The first authenticated request is answered 438 Stale Nonce with a new nonce. */
  | 'stale-nonce-once'
  /** Every authenticated request is answered 438 (a broken server). */
  | 'stale-nonce-always';

export interface TurnResponderOptions {
  host: string;
  /** 0 for a free port. UDP and TCP share it. */
  port: number;
  realm?: string;
  /** User name to password; without it, Allocate and Refresh need no authentication. */
  users?: Record<string, string>;
  behaviour?: TurnResponderBehaviour;
  /** Serve only these transports (a deliberate lab fault can leave one out). */
  transports?: ReadonlyArray<'udp' | 'tcp'>;
}

export interface TurnResponder {
  host: string;
  port: number;
  /** Requests received, by method name (tests check what the probe sent). */
  requests: Array<{ method: number; transport: 'udp' | 'tcp'; authenticated: boolean }>;
  /** Allocations currently held (released ones are removed). */
  allocations(): number;
  stop(): Promise<void>;
}

const SOFTWARE = Buffer.from('mra-preflight lab TURN responder');
const LIFETIME_SECONDS = 600;

/** The STUN/TURN answers of the responder: nonces, allocations per 5-tuple, the requests seen. */
class TurnAnswers {
  readonly requests: TurnResponder['requests'] = [];
  readonly allocations = new Map<string, number>();
  private readonly nonces = new Set<string>();
  private staleSent = false;

  constructor(
    private readonly options: TurnResponderOptions,
    private readonly realm: string,
    private readonly behaviour: TurnResponderBehaviour,
  ) {}

  /** The answer to one request from `from` (undefined: no answer). */
  answer(request: StunMessage, from: TransportAddress, tuple: string, transport: 'udp' | 'tcp'): Buffer | undefined {
    const authenticated = request.attributes.some((attribute) => attribute.type === Attr.MessageIntegrity);
    this.requests.push({ method: request.method, transport, authenticated });
    if (request.method === StunMethod.Binding)
      return reply(request, 'success', [
        { type: Attr.XorMappedAddress, value: addressValue(from, request.transactionId, true) },
      ]);
    if (request.method !== StunMethod.Allocate && request.method !== StunMethod.Refresh)
      return reply(request, 'error', [{ type: Attr.ErrorCode, value: errorCodeValue(400, 'Bad Request') }]);
    const auth = this.authenticate(request, authenticated);
    if ('challenge' in auth) return auth.challenge;
    return request.method === StunMethod.Allocate
      ? this.allocate(request, from, tuple, auth.key)
      : this.refresh(request, tuple, auth.key);
  }

  /** The long-term credential mechanism: the key to sign the answer with, or the 401/438 to send. */
  private authenticate(request: StunMessage, authenticated: boolean): { key?: Buffer } | { challenge: Buffer } {
    const users = this.options.users;
    if (!users) return {};
    const unauthorized = (): { challenge: Buffer } => ({ challenge: this.challenge(request, 401, 'Unauthorized') });
    if (!authenticated) return unauthorized();
    const username = readText(request, Attr.Username);
    const nonce = readText(request, Attr.Nonce);
    const password = username.ok ? users[username.value] : undefined;
    if (!username.ok || !nonce.ok || password === undefined) return unauthorized();
    const key = longTermKey(username.value, this.realm, password);
    if (checkIntegrity(request, key) !== 'valid') return unauthorized();
    if (!this.nonces.has(nonce.value)) return { challenge: this.challenge(request, 438, 'Stale Nonce') };
    if (this.behaviour === 'stale-nonce-always' || (this.behaviour === 'stale-nonce-once' && !this.staleSent)) {
      this.staleSent = true;
      this.nonces.delete(nonce.value);
      return { challenge: this.challenge(request, 438, 'Stale Nonce') };
    }
    return { key };
  }

  private allocate(request: StunMessage, from: TransportAddress, tuple: string, key: Buffer | undefined): Buffer {
    if (this.allocations.has(tuple)) return mismatch(request, key);
    const relayPort = randomInt(49_152, 65_535);
    this.allocations.set(tuple, relayPort);
    const relayed = { family: from.family, address: this.options.host, port: relayPort };
    return reply(
      request,
      'success',
      [
        { type: Attr.XorRelayedAddress, value: addressValue(relayed, request.transactionId, true) },
        { type: Attr.Lifetime, value: uint32Value(LIFETIME_SECONDS) },
        { type: Attr.XorMappedAddress, value: addressValue(from, request.transactionId, true) },
      ],
      key,
    );
  }

  private refresh(request: StunMessage, tuple: string, key: Buffer | undefined): Buffer {
    if (!this.allocations.has(tuple)) return mismatch(request, key);
    const lifetime = readUint32(request, Attr.Lifetime);
    if (lifetime.ok && lifetime.value === 0) this.allocations.delete(tuple);
    const granted = lifetime.ok ? lifetime.value : LIFETIME_SECONDS;
    return reply(request, 'success', [{ type: Attr.Lifetime, value: uint32Value(granted) }], key);
  }

  private challenge(request: StunMessage, code: 401 | 438, reason: string): Buffer {
    const nonce = randomBytes(12).toString('hex');
    this.nonces.add(nonce);
    return reply(request, 'error', [
      { type: Attr.ErrorCode, value: errorCodeValue(code, reason) },
      { type: Attr.Realm, value: Buffer.from(this.realm) },
      { type: Attr.Nonce, value: Buffer.from(nonce) },
    ]);
  }
}

function reply(
  request: StunMessage,
  cls: 'success' | 'error',
  attributes: Array<{ type: number; value: Buffer }>,
  key?: Buffer,
): Buffer {
  return encodeMessage(
    {
      method: request.method,
      cls,
      transactionId: request.transactionId,
      attributes: [...attributes, { type: Attr.Software, value: SOFTWARE }],
    },
    { fingerprint: true, ...(key ? { integrityKey: key } : {}) },
  );
}

const mismatch = (request: StunMessage, key: Buffer | undefined): Buffer =>
  reply(request, 'error', [{ type: Attr.ErrorCode, value: errorCodeValue(437, 'Allocation Mismatch') }], key);

/** What a hostile behaviour sends instead of the answer (undefined: the normal answer). */
function hostileReply(
  behaviour: TurnResponderBehaviour,
  request: StunMessage,
  normal: Buffer | undefined,
): Buffer | undefined {
  const success = (transactionId: Buffer, attributes: Array<{ type: number; value: Buffer }>): Buffer =>
    encodeMessage({ method: request.method, cls: 'success', transactionId, attributes });
  const elsewhere = { family: 'IPv4' as const, address: '192.0.2.1', port: 5000 };
  switch (behaviour) {
    case 'garbage':
      return Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\nthis is not STUN at all');
    case 'wrong-transaction': {
      const other = randomBytes(12);
      return encodeMessage(
        {
          method: request.method,
          cls: 'success',
          transactionId: other,
          attributes: [{ type: Attr.XorMappedAddress, value: addressValue(elsewhere, other, true) }],
        },
        { fingerprint: true },
      );
    }
    case 'wrong-cookie': {
      if (!normal) return undefined;
      const bytes = Buffer.from(normal);
      bytes.writeUInt32BE(0xdeadbeef, 4);
      return bytes;
    }
    case 'attribute-past-end': {
      const bytes = success(request.transactionId, [{ type: Attr.XorMappedAddress, value: Buffer.alloc(8) }]);
      bytes.writeUInt16BE(0xfff0, HEADER_BYTES + 2);
      return bytes;
    }
    case 'many-attributes':
      return success(
        request.transactionId,
        Array.from({ length: 16_000 }, () => ({ type: 0x8050, value: Buffer.alloc(0) })),
      );
    case 'legacy-mapped':
      return success(request.transactionId, [
        { type: Attr.MappedAddress, value: addressValue(elsewhere, request.transactionId, false) },
      ]);
    case 'huge-length': {
      const header = Buffer.from(normal?.subarray(0, HEADER_BYTES) ?? Buffer.alloc(HEADER_BYTES));
      header.writeUInt16BE(65532, 2);
      return header;
    }
    default:
      return normal;
  }
}

/** The sockets of one responder: UDP and TCP on one port, and what stop() must end. */
class TurnSockets {
  readonly udpSockets: UdpSocket[] = [];
  tcpServer: Server | undefined;
  private readonly connections = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly options: TurnResponderOptions,
    private readonly behaviour: TurnResponderBehaviour,
    private readonly answers: TurnAnswers,
  ) {}

  /** Binds UDP then TCP on one port; undefined when the TCP side of a port picked by UDP is taken. */
  async bind(wanted: number, transports: ReadonlyArray<'udp' | 'tcp'>): Promise<number | undefined> {
    let port = wanted;
    if (transports.includes('udp')) {
      const socket = createSocket(this.options.host.includes(':') ? 'udp6' : 'udp4');
      socket.on('message', (bytes, remote) => this.onDatagram(socket, bytes, remote));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, this.options.host, () => resolve());
      });
      socket.on('error', () => {});
      port = socket.address().port;
      this.udpSockets.push(socket);
    }
    if (transports.includes('tcp')) {
      const server = createServer((connection) => this.onConnection(connection));
      const listening = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, this.options.host, () => resolve(true));
      });
      if (!listening) {
        await Promise.all(this.udpSockets.splice(0).map(closeUdp));
        return undefined;
      }
      this.tcpServer = server;
      const address = server.address();
      if (address && typeof address === 'object') port = address.port;
    }
    return port;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const connection of this.connections) connection.destroy();
    const server = this.tcpServer;
    await Promise.all([
      ...this.udpSockets.map(closeUdp),
      server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve(),
    ]);
  }

  private respond(
    request: StunMessage,
    from: TransportAddress,
    tuple: string,
    transport: 'udp' | 'tcp',
  ): Buffer | undefined {
    return hostileReply(this.behaviour, request, this.answers.answer(request, from, tuple, transport));
  }

  private onDatagram(
    socket: UdpSocket,
    bytes: Buffer,
    remote: { address: string; family: string; port: number },
  ): void {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok || decoded.message.cls !== 'request' || this.behaviour === 'silent') return;
    const from: TransportAddress = {
      family: remote.family === 'IPv6' ? 'IPv6' : 'IPv4',
      address: remote.address,
      port: remote.port,
    };
    const out = this.respond(decoded.message, from, `udp:${remote.address}:${remote.port}`, 'udp');
    if (out) socket.send(out, remote.port, remote.address);
  }

  private onConnection(connection: Socket): void {
    this.connections.add(connection);
    connection.on('close', () => this.connections.delete(connection));
    connection.on('error', () => connection.destroy());
    let buffered = Buffer.alloc(0);
    const tuple = `tcp:${connection.remoteAddress}:${connection.remotePort}`;
    const from: TransportAddress = {
      family: connection.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4',
      address: connection.remoteAddress ?? this.options.host,
      port: connection.remotePort ?? 0,
    };
    connection.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > 70_000) return void connection.destroy();
      while (buffered.length >= HEADER_BYTES) {
        const total = HEADER_BYTES + buffered.readUInt16BE(2);
        if (buffered.length < total) return;
        const decoded = decodeMessage(Buffer.from(buffered.subarray(0, total)));
        buffered = buffered.subarray(total);
        if (!decoded.ok) return void connection.destroy();
        if (decoded.message.cls !== 'request' || this.behaviour === 'silent') continue;
        const out = this.respond(decoded.message, from, tuple, 'tcp');
        if (out) this.write(connection, out);
      }
    });
  }

  /** Writes an answer; under 'trickle', one byte every 200 ms and never the last one. */
  private write(connection: Socket, out: Buffer): void {
    if (this.behaviour !== 'trickle') return void connection.write(out);
    let sent = 0;
    const timer = setInterval(() => {
      if (connection.destroyed || sent >= out.length - 1) return clearInterval(timer);
      connection.write(out.subarray(sent, sent + 1));
      sent++;
    }, 200);
    this.timers.add(timer);
  }
}

const closeUdp = (socket: UdpSocket): Promise<void> => new Promise<void>((resolve) => socket.close(() => resolve()));

export async function startTurnResponder(options: TurnResponderOptions): Promise<TurnResponder> {
  const behaviour = options.behaviour ?? 'normal';
  const answers = new TurnAnswers(options, options.realm ?? 'mra-lab', behaviour);
  const sockets = new TurnSockets(options, behaviour, answers);
  let port: number | undefined;
  for (let attempt = 0; attempt < 10 && port === undefined; attempt++) {
    port = await sockets.bind(options.port, options.transports ?? ['udp', 'tcp']);
    if (port === undefined && options.port !== 0)
      throw new Error(`TCP port ${options.port} is taken on ${options.host}`);
  }
  if (port === undefined) throw new Error(`no port free for both UDP and TCP on ${options.host}`);
  return {
    host: options.host,
    port,
    requests: answers.requests,
    allocations: () => answers.allocations.size,
    stop: () => sockets.stop(),
  };
}
