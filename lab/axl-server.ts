import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CucmSnapshot } from '../src/cucm/snapshot.js';
import { child, parseSoapBody, text, type XmlNode } from '../src/probes/axl/xml.js';
import {
  AxlAnswers,
  elementNames,
  ENVELOPE_START,
  Fault,
  faultEnvelope,
  THROTTLE_AXLCODE,
  type Answer,
} from './axl-answers.js';

export { faultEnvelope } from './axl-answers.js';

/**
 * A local HTTPS server that answers AXL SOAP requests (schema 15.0 element names) from a
 * CucmSnapshot: the demo lab's CUCM publisher, the tests' peer and the benchmark's cluster. It
 * pages list requests with skip/first, validates requests as CUCM does against the public AXL
 * schema (a returnedTags element the list type lacks is refused), checks Basic auth, and can
 * behave like a CUCM under load (see {@link AxlThrottle}) or fail any operation on demand.
 */
export interface AxlServerRequest {
  operation: string;
  soapAction: string | undefined;
  /** 1 for the first request of this operation, 2 for the second... */
  count: number;
  skip?: number;
  first?: number;
  returnedTags?: string[];
  sql?: string;
  name?: string;
  /** Whether the request came back with the session cookie this server handed out. */
  session: boolean;
}

export type AxlServerReply =
  /** Answer with this status and body as they are (garbage, HTML, a huge or hostile document). */
  | { status: number; body: string; contentType?: string }
  /** Answer with an AXL fault (HTTP 500). */
  | { fault: { axlcode: string | number; message: string; faultcode?: string } }
  /** Wait, then answer normally (or never, when the client gives up first). */
  | { delayMs: number }
  /** Slow-loris: headers and the start of an envelope, then one byte per interval, never ending. */
  | { trickleMs: number }
  /** Never answer: the client's timeout ends the exchange. */
  | { hang: true }
  /** HTTP 200 with the real answer cut short in the middle of an element. */
  | { malformed: true };

/** Ready-made failures for {@link AxlServerFailure}: what real clusters answer when one request fails. */
export const AXL_FAILURES = {
  /** The operation does not exist in this release (or this user's role), as AXL says it. */
  unknownRequest: { fault: { axlcode: 5002, message: 'Unknown Request' } },
  /** A get for an item that is not there (AXL "Item not valid"). */
  itemNotValid: { fault: { axlcode: 5007, message: 'Item not valid: The specified item was not found' } },
  /** The request is refused for this AXL user (a role without the permission). */
  forbidden: {
    status: 403,
    body: '<html><body><h1>HTTP Status 403 - Forbidden</h1></body></html>',
    contentType: 'text/html',
  },
  timeout: { hang: true },
  malformed: { malformed: true },
} as const satisfies Record<string, AxlServerReply>;

/** Fails every request of one operation (and, for executeSQLQuery, only the queries `sql` matches). */
export interface AxlServerFailure {
  operation: string;
  sql?: RegExp;
  reply: AxlServerReply;
}

/**
 * CUCM's AXL throttling (Cisco AXL Developer Guide, "Data Throttling and Performance"), for the
 * benchmark and the throttling tests: a response over `maxResponseBytes` is refused with "Query
 * request too large", responses held at once are capped at `maxBytesInFlight` ("Maximum AXL
 * Memory Allocation Consumed"), more than `maxRequestsInFlight` requests at once get HTTP 503, and
 * each answer takes `latencyMs` plus `perRowMicros` per row (the database's share).
 */
export interface AxlThrottle {
  maxBytesInFlight: number;
  maxRequestsInFlight: number;
  latencyMs: number;
  perRowMicros: number;
}

export const CUCM_THROTTLE: AxlThrottle = {
  maxBytesInFlight: 16 * 1024 * 1024,
  maxRequestsInFlight: 4,
  latencyMs: 20,
  perRowMicros: 5,
};

export interface AxlServerOptions {
  snapshot: CucmSnapshot;
  /** PEM certificate chain and key of the HTTPS listener. */
  cert: string;
  key: string;
  username: string;
  password: string;
  /** Schema versions this "CUCM" accepts (SOAPAction and namespace must agree). */
  versions?: readonly string[];
  /** The 8 MB ceiling of a real CUCM, lowered in tests to exercise re-paging. */
  maxResponseBytes?: number;
  /** false: the Cisco AXL Web Service is deactivated and /axl/ answers 404. */
  axlActivated?: boolean;
  /** CUCM's load behaviour (503, memory cap, latency); off unless given. */
  throttle?: Partial<AxlThrottle>;
  /** Operations (or SQL queries) that fail, for tests that fail one snapshot section at a time. */
  failures?: readonly AxlServerFailure[];
  intercept?: (request: AxlServerRequest) => AxlServerReply | undefined;
}

/** What the server saw since it started (or since resetStats). */
export interface AxlServerStats {
  requests: number;
  /** Bytes of response bodies sent. */
  bytes: number;
  /** Highest number of requests being answered at once. */
  peakInFlight: number;
  /** HTTP 503 answers (more than maxRequestsInFlight at once). */
  unavailable: number;
  /** "Maximum AXL Memory Allocation Consumed" faults. */
  memoryFaults: number;
  /** "Query request too large" faults. */
  tooLarge: number;
  /**
   * Milliseconds spent with 0, 1, 2, 3, 4 and more requests being answered, from the first request
   * to the last answer: how well a client keeps the server busy.
   */
  inFlightMs: number[];
}

export interface AxlServer {
  url: string;
  port: number;
  /** Every request received, in order (tests assert paging and tags on it). */
  requests: AxlServerRequest[];
  /** Highest number of requests being answered at once. */
  maxInFlight: number;
  stats(): AxlServerStats;
  resetStats(): void;
  /** Adds a failure from now on (tests fail one section after another on one server). */
  fail(failure: AxlServerFailure): void;
  clearFailures(): void;
  close(): Promise<void>;
}

const REALM = 'Basic realm="Cisco AXL"';
const MAX_REQUEST_BYTES = 1024 * 1024;

const emptyStats = (): AxlServerStats => ({
  requests: 0,
  bytes: 0,
  peakInFlight: 0,
  unavailable: 0,
  memoryFaults: 0,
  tooLarge: 0,
  inFlightMs: [0, 0, 0, 0, 0, 0],
});

const html = (status: number, title: string): [number, string, Record<string, string>] => [
  status,
  `<html><body><h1>HTTP Status ${status} - ${title}</h1></body></html>`,
  { 'content-type': 'text/html' },
];

/** One request being answered: its response, and `send` that writes it once and counts it out. */
interface Exchange {
  res: ServerResponse;
  send(status: number, body: string, headers?: Record<string, string>): void;
}

/** The server's state and its request handling; startAxlServer gives tests the AxlServer view of it. */
class LabAxl {
  readonly requests: AxlServerRequest[] = [];
  readonly failures: AxlServerFailure[];
  stats = emptyStats();
  maxInFlight = 0;
  private readonly versions: readonly string[];
  private readonly throttle: AxlThrottle | undefined;
  private readonly answers: AxlAnswers;
  private readonly answered = new WeakMap<ServerResponse, () => void>();
  private readonly expectedAuth: string;
  private readonly counts = new Map<string, number>();
  // One AXL session for the server's life, as CUCM keeps JSESSIONIDSSO for 30 idle minutes.
  private readonly sessionId = Array.from(
    { length: 32 },
    () => '0123456789ABCDEF'[Math.floor(Math.random() * 16)],
  ).join('');
  private inFlight = 0;
  private bytesInFlight = 0;
  /** When the in-flight count last changed (undefined before the first request since resetStats). */
  private since: number | undefined;

  constructor(private readonly options: AxlServerOptions) {
    this.versions = options.versions ?? ['12.5', '14.0', '15.0'];
    this.throttle = options.throttle ? { ...CUCM_THROTTLE, ...options.throttle } : undefined;
    this.answers = new AxlAnswers(options.snapshot, options.maxResponseBytes ?? 8 * 1024 * 1024, () => {
      this.stats.tooLarge++;
    });
    this.failures = [...(options.failures ?? [])];
    this.expectedAuth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  }

  resetStats(): void {
    this.stats = emptyStats();
    this.since = this.inFlight > 0 ? performance.now() : undefined;
    this.requests.length = 0;
  }

  /** Counts a request in; it is counted out when its whole answer is handed to the socket. */
  accept(req: IncomingMessage, res: ServerResponse): void {
    this.moveInFlight(1);
    this.stats.requests++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
    // Counted out when the whole answer is handed to the socket (or the client went away): the
    // server's work is over then, and a kept-alive connection may carry the next request before
    // the socket reports the last bytes written.
    let counted = true;
    const done = (): void => {
      if (counted) this.moveInFlight(-1);
      counted = false;
    };
    this.answered.set(res, done);
    res.once('close', done);
    this.handle(req, res).catch(() => {
      if (!res.destroyed) res.destroy();
    });
  }

  private moveInFlight(delta: number): void {
    const now = performance.now();
    if (this.since !== undefined) this.stats.inFlightMs[Math.min(this.inFlight, 5)]! += now - this.since;
    this.since = now;
    this.inFlight += delta;
  }

  private exchange(res: ServerResponse): Exchange {
    return {
      res,
      send: (status, body, headers = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, {
          'content-type': 'text/xml; charset=utf-8',
          ...(status < 400 || status === 500
            ? { 'set-cookie': `JSESSIONIDSSO=${this.sessionId}; Path=/; Secure; HttpOnly` }
            : {}),
          ...headers,
        });
        this.stats.bytes += Buffer.byteLength(body);
        res.end(body);
        this.answered.get(res)?.();
      },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const exchange = this.exchange(res);
    if (this.refusedAtTheDoor(req, exchange)) return;
    const bytes = await readBody(req);
    if (bytes === undefined) return exchange.send(413, '');
    let body: Record<string, XmlNode | XmlNode[]>;
    try {
      body = parseSoapBody(bytes.toString('utf8'));
    } catch (error) {
      const message = `Unable to parse the request: ${(error as Error).message}`;
      return exchange.send(500, faultEnvelope('unknown', '', message, 'soapenv:Client'));
    }
    const request = this.record(req, body);
    const { operation } = request;
    // The SOAPAction version and the namespace version must name one supported schema.
    const version = /ver=([\d.]+)/.exec(request.soapAction ?? '')?.[1];
    if (!version || !this.versions.includes(version)) {
      const message = `Unsupported AXL version ${version ?? '(none)'}; this server offers ${this.versions.join(', ')}`;
      return exchange.send(500, faultEnvelope(operation, '', message, 'soapenv:Client'));
    }
    const reply = this.failureFor(request) ?? this.options.intercept?.(request);
    if (reply && !(await this.replyBeforeAnswer(reply, exchange, operation))) return;
    let result: Answer;
    try {
      result = this.answers.answer(version, operation, request, body);
    } catch (error) {
      if (error instanceof Fault)
        exchange.send(500, faultEnvelope(operation, error.axlcode, error.message, error.faultcode));
      else exchange.send(500, faultEnvelope(operation, -1, 'Internal error'));
      return;
    }
    if (reply && 'malformed' in reply) {
      // Cut inside an element, as a connection dropped by a proxy leaves it.
      const cut = Math.max(ENVELOPE_START.length + 10, Math.floor(result.body.length / 2));
      return exchange.send(200, result.body.slice(0, cut));
    }
    await this.sendAnswer(exchange, operation, result);
  }

  /** 404 (no AXL there), 503 (throttled), 405 and 401, before the body is read. */
  private refusedAtTheDoor(req: IncomingMessage, { send }: Exchange): boolean {
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    if (this.options.axlActivated === false || (path !== '/axl/' && path !== '/axl')) {
      send(...html(404, 'Not Found'));
      return true;
    }
    if (this.throttle && this.inFlight > this.throttle.maxRequestsInFlight) {
      req.resume();
      this.stats.unavailable++;
      send(...html(503, 'Service Unavailable'));
      return true;
    }
    if (req.method !== 'POST') {
      send(405, '<html><body>HTTP method GET is not supported by this URL</body></html>', {
        'content-type': 'text/html',
      });
      return true;
    }
    if (req.headers.authorization !== this.expectedAuth) {
      req.resume();
      const [status, page, headers] = html(401, 'Unauthorized');
      send(status, page, { ...headers, 'www-authenticate': REALM });
      return true;
    }
    return false;
  }

  /** The request as tests see it (operation, SOAPAction, paging, tags, session), kept in `requests`. */
  private record(req: IncomingMessage, body: Record<string, XmlNode | XmlNode[]>): AxlServerRequest {
    const operation = Object.keys(body)[0] ?? '';
    const call = child(body, operation);
    const count = (this.counts.get(operation) ?? 0) + 1;
    this.counts.set(operation, count);
    const number = (name: string): number | undefined => {
      const value = text(call, name);
      return value === undefined ? undefined : Number(value);
    };
    const request: AxlServerRequest = {
      operation,
      soapAction: typeof req.headers.soapaction === 'string' ? req.headers.soapaction : undefined,
      count,
      session: (req.headers.cookie ?? '').includes(`JSESSIONIDSSO=${this.sessionId}`),
      ...(number('skip') !== undefined ? { skip: number('skip')! } : {}),
      ...(number('first') !== undefined ? { first: number('first')! } : {}),
      ...(child(call, 'returnedTags') !== undefined ? { returnedTags: elementNames(child(call, 'returnedTags')) } : {}),
      ...(text(call, 'sql') !== undefined ? { sql: text(call, 'sql')! } : {}),
      ...(text(call, 'name') !== undefined ? { name: text(call, 'name')! } : {}),
    };
    this.requests.push(request);
    return request;
  }

  private failureFor(request: AxlServerRequest): AxlServerReply | undefined {
    return this.failures.find(
      (failure) =>
        failure.operation === request.operation &&
        (failure.sql === undefined || (request.sql !== undefined && failure.sql.test(request.sql))),
    )?.reply;
  }

  /** A failure on demand; true when the real answer is still to be sent (after a delay, or cut). */
  private async replyBeforeAnswer(reply: AxlServerReply, { res, send }: Exchange, operation: string): Promise<boolean> {
    if ('hang' in reply) return false;
    if ('trickleMs' in reply) {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.write(ENVELOPE_START);
      const timer = setInterval(() => res.write(' '), reply.trickleMs);
      res.once('close', () => clearInterval(timer));
      return false;
    }
    if ('delayMs' in reply) return !(await closedWithin(res, reply.delayMs));
    if ('fault' in reply) {
      send(500, faultEnvelope(operation, reply.fault.axlcode, reply.fault.message, reply.fault.faultcode));
      return false;
    }
    if ('status' in reply) {
      send(reply.status, reply.body, reply.contentType ? { 'content-type': reply.contentType } : {});
      return false;
    }
    return true;
  }

  /** Sends the answer; under throttling, after CUCM's memory check and latency. */
  private async sendAnswer({ res, send }: Exchange, operation: string, result: Answer): Promise<void> {
    const throttle = this.throttle;
    if (!throttle) return send(200, result.body);
    // CUCM builds the whole answer in memory before it sends it, and holds it until it is sent.
    const held = Buffer.byteLength(result.body);
    if (this.bytesInFlight + held > throttle.maxBytesInFlight) {
      this.stats.memoryFaults++;
      return send(500, faultEnvelope(operation, THROTTLE_AXLCODE, 'Maximum AXL Memory Allocation Consumed'));
    }
    this.bytesInFlight += held;
    res.once('close', () => (this.bytesInFlight -= held));
    const delay = throttle.latencyMs + (result.rows * throttle.perRowMicros) / 1000;
    if (await closedWithin(res, delay)) return;
    send(200, result.body);
  }
}

/** The request body, or undefined when it is over MAX_REQUEST_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function startAxlServer(options: AxlServerOptions): Promise<AxlServer> {
  const lab = new LabAxl(options);
  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => lab.accept(req, res));
  // Keep-alive connections outlive a collection's pauses (backoff after a 503).
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/axl/`,
    port,
    requests: lab.requests,
    get maxInFlight() {
      return lab.maxInFlight;
    },
    stats: () => ({ ...lab.stats, inFlightMs: lab.stats.inFlightMs.map(Math.round) }),
    resetStats: () => lab.resetStats(),
    fail(failure) {
      lab.failures.push(failure);
    },
    clearFailures() {
      lab.failures.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits `ms`; true when the client went away first (then there is no one to answer). */
function closedWithin(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    res.once('close', onClose);
  });
}
