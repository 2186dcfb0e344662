import { readFileSync } from 'node:fs';
import type { Agent } from 'undici';
import { basicAuthorization, createHttpsAgent, httpExchange, redact, type HttpFailure } from '../https.js';
import type { Limiter } from '../limiter.js';
import { onceAborted } from '../deadline.js';
import type { HttpsClientConfig } from '../../inventory/types.js';
import { AxlError, type AxlFaultDetail } from './errors.js';
import { axlNamespace, child, escapeXml, parseSoapBody, text, XmlShapeError, type XmlNode } from './xml.js';

export const DEFAULT_AXL_VERSION = '15.0';
/** Real CUCM refuses a response over 8 MB; anything much larger is not AXL talking. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface AxlClientOptions {
  /** https://cucm-pub.example.com:8443/axl/ */
  url: string;
  /** AXL schema version: SOAPAction `CUCM:DB ver=<version>` and namespace .../AXL/API/<version>. */
  version?: string;
  username: string;
  password: string;
  /** PEM text added to Node's root store (the inventory's caFile). */
  ca?: string;
  /** Skip TLS verification (inventory `insecure: true`); MRA-CUCM-001 reports it. */
  insecure?: boolean;
  /** Bound of one HTTP request including its body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The run's limiter (--concurrency); every request also holds one of its places. */
  runLimiter?: Limiter;
  /** Cisco asks AXL clients not to pile up concurrent reads; two in flight is the ceiling. */
  maxInFlight?: number;
  /** Retries of HTTP 503 and "Maximum AXL Memory Allocation Consumed", with doubling backoff. */
  retries?: number;
  retryBaseMs?: number;
  maxResponseBytes?: number;
  /** Called once per HTTP exchange (progress, tests); never sees credentials. */
  onExchange?: (event: { operation: string; status: number; durationMs: number; bytes: number }) => void;
}

export interface AxlResponse {
  /** The `<operation>Response` element. */
  body: XmlNode;
  status: number;
  durationMs: number;
}

/** One HTTP answer, read but not yet parsed. */
interface RawAnswer {
  status: number;
  body: Buffer;
  durationMs: number;
}

/** Names of the env vars the inventory points at, for messages (never their values). */
export interface CredentialSource {
  usernameEnv?: string;
  passwordEnv?: string;
}

const MEMORY_FAULT = /Maximum AXL Memory Allocation Consumed/i;
const TOO_LARGE = /Query request too large/i;

/**
 * Builds client options from an inventory block (`cucm.axl`): credentials from the environment
 * variables it names, caFile read as PEM. Throws AxlError('config') naming what is missing.
 */
export function axlOptionsFromInventory(
  config: HttpsClientConfig,
  env: NodeJS.ProcessEnv,
  rest: Omit<AxlClientOptions, 'url' | 'version' | 'username' | 'password' | 'ca' | 'insecure'>,
): AxlClientOptions {
  const problems: string[] = [];
  if (!config.usernameEnv)
    problems.push('cucm.axl.usernameEnv is not set: name the environment variable that holds the AXL user');
  if (!config.passwordEnv)
    problems.push('cucm.axl.passwordEnv is not set: name the environment variable that holds the AXL password');
  const username = config.usernameEnv ? env[config.usernameEnv] : undefined;
  const password = config.passwordEnv ? env[config.passwordEnv] : undefined;
  if (config.usernameEnv && !username)
    problems.push(`environment variable ${config.usernameEnv} (cucm.axl.usernameEnv) is not set or empty`);
  if (config.passwordEnv && !password)
    problems.push(`environment variable ${config.passwordEnv} (cucm.axl.passwordEnv) is not set or empty`);
  let url: URL | undefined;
  try {
    url = new URL(config.url);
    if (url.protocol !== 'https:') problems.push(`cucm.axl.url ${config.url}: AXL is served over HTTPS only`);
    if (url.username || url.password)
      problems.push('cucm.axl.url must not carry credentials; use usernameEnv/passwordEnv');
    // CUCM serves AXL at /axl/ and the trailing slash is required (AXL Developer Guide).
    if (url.pathname === '/' || url.pathname === '/axl') url.pathname = '/axl/';
  } catch {
    problems.push(`cucm.axl.url "${config.url}" is not a URL`);
  }
  let ca: string | undefined;
  if (config.caFile) {
    try {
      ca = readFileSync(config.caFile, 'utf8');
      if (!ca.includes('-----BEGIN CERTIFICATE-----'))
        problems.push(`cucm.axl.caFile ${config.caFile} holds no PEM certificate`);
    } catch (error) {
      problems.push(
        `cucm.axl.caFile ${config.caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (problems.length > 0) throw new AxlError('config', redact(problems.join('\n'), password ? [password] : []));
  return {
    ...rest,
    url: url!.href,
    // "15" and "15.0" name the same schema; AXL spells it with the minor number.
    version: config.version
      ? /^\d+$/.test(config.version)
        ? `${config.version}.0`
        : config.version
      : DEFAULT_AXL_VERSION,
    username: username!,
    password: password!,
    ...(ca ? { ca } : {}),
    ...(config.insecure ? { insecure: true } : {}),
  };
}

/** A SOAP client for one CUCM publisher's AXL service: keep-alive, bounded, redacting. */
export class AxlClient {
  readonly url: string;
  readonly version: string;
  private readonly agent: Agent;
  private readonly authorization: string;
  private readonly secrets: string[];
  private readonly inFlight: InFlight;
  private readonly options: AxlClientOptions;
  /** JSESSIONIDSSO and friends: sent back so CUCM reuses one AXL session (AXL Developer Guide). */
  private readonly session = new Map<string, string>();
  private stopped: AxlError | undefined;

  constructor(options: AxlClientOptions) {
    this.options = options;
    this.url = options.url;
    this.version = options.version ?? DEFAULT_AXL_VERSION;
    this.authorization = basicAuthorization(options.username, options.password);
    this.secrets = [options.password, this.authorization.slice(6)];
    this.inFlight = new InFlight(options.maxInFlight ?? 2);
    this.agent = createHttpsAgent({
      connections: options.maxInFlight ?? 2,
      timeoutMs: options.timeoutMs,
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.insecure ? { insecure: true } : {}),
    });
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => this.agent.destroy());
  }

  /**
   * After a failure no request can get past (401, TLS verification, unreachable...), the requests
   * still queued fail at once with it instead of each waiting for its own timeout.
   */
  stop(reason: AxlError): void {
    this.stopped ??= reason;
  }

  /** An Error whose text is known to hold no secret. */
  fail(kind: AxlError['kind'], message: string, details: AxlError['details'] = {}): AxlError {
    return new AxlError(kind, redact(message, this.secrets), details);
  }

  /**
   * Sends one AXL request (`<ns:operation>inner</ns:operation>`), retrying HTTP 503 and the
   * memory-allocation fault with backoff as the AXL Developer Guide asks, and returns the
   * `<operation>Response` element.
   */
  async call(operation: string, inner: string): Promise<AxlResponse> {
    return this.withRetries(async (retry) => {
      const raw = await this.callOnce(operation, inner, 'item', retry);
      const parsed = this.interpret(operation, raw.status, raw.body.toString('utf8'));
      return { ...parsed, status: raw.status, durationMs: raw.durationMs };
    });
  }

  /**
   * Like {@link call}, for list and SQL pages: the answer's bytes as soon as they are in (HTTP
   * 200), unparsed, so that the caller can send the next request before it reads this page (see
   * openRows). A page that then cannot be read goes through {@link pageFailure}.
   */
  async fetchPage(operation: string, inner: string): Promise<Buffer> {
    return this.withRetries(async (retry) => {
      const raw = await this.callOnce(operation, inner, 'page', retry);
      if (raw.status !== 200) this.interpret(operation, raw.status, raw.body.toString('utf8'));
      return raw.body;
    });
  }

  /**
   * Why a page from {@link fetchPage} could not be read: parsed in full, it is an AXL fault (CUCM
   * answered 200 with one) or a malformed answer.
   */
  pageFailure(operation: string, body: Buffer, error: unknown): AxlError {
    if (error instanceof AxlError) return error;
    try {
      this.interpret(operation, 200, body.toString('utf8'));
    } catch (failure) {
      if (failure instanceof AxlError) return failure;
    }
    const reason = error instanceof Error ? error.message : String(error);
    return this.fail('malformed', `AXL ${operation} at ${this.url}: HTTP 200, but ${reason}`, {
      status: 200,
      operation,
    });
  }

  private async withRetries<T>(attempt: (retry: boolean) => Promise<T>): Promise<T> {
    const retries = this.options.retries ?? 4;
    const base = this.options.retryBaseMs ?? 500;
    for (let tried = 0; ; tried++) {
      try {
        return await attempt(tried > 0);
      } catch (error) {
        const retryable =
          error instanceof AxlError &&
          ((error.kind === 'unavailable' && error.details.status === 503) ||
            (error.kind === 'fault' && MEMORY_FAULT.test(error.details.fault?.faultstring ?? '')));
        if (!retryable || tried >= retries) throw error;
        await sleep(Math.min(base * 2 ** tried, 8000), this.options.signal);
      }
    }
  }

  /**
   * One exchange in one of the places in flight. A retry after a 503 or a memory fault goes out
   * alone (it waits for the requests on the wire and holds back new ones): CUCM said it has too
   * much at once, and a retry that races the other place in flight would be refused again.
   */
  private async callOnce(operation: string, inner: string, lane: Lane, retry = false): Promise<RawAnswer> {
    const envelope =
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="${axlNamespace(this.version)}">` +
      `<soapenv:Header/><soapenv:Body><ns:${operation}>${inner}</ns:${operation}></soapenv:Body></soapenv:Envelope>`;
    // The AXL ceiling first, the run's limiter inside it: queued AXL requests must not sit on
    // run-wide places that DNS, NTP and TLS probes are waiting for. The place is held until the
    // body is read, not while it is parsed.
    const runLimiter = this.options.runLimiter;
    const send = (): Promise<RawAnswer> => {
      if (this.stopped) throw this.stopped;
      return this.exchange(operation, envelope);
    };
    if (this.stopped) throw this.stopped;
    return this.inFlight.run(() => (runLimiter ? runLimiter.run(send) : send()), lane, retry);
  }

  private async exchange(operation: string, envelope: string): Promise<RawAnswer> {
    const result = await httpExchange({
      url: this.url,
      method: 'POST',
      dispatcher: this.agent,
      timeoutMs: this.options.timeoutMs,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      maxBytes: this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        accept: 'text/xml',
        soapaction: `"CUCM:DB ver=${this.version} ${operation}"`,
        authorization: this.authorization,
        ...(this.session.size > 0
          ? { cookie: [...this.session].map(([name, value]) => `${name}=${value}`).join('; ') }
          : {}),
      },
      body: envelope,
    });
    if (!result.ok) throw this.transportError(result.failure, operation);
    this.keepSession(result.headers['set-cookie']);
    this.options.onExchange?.({
      operation,
      status: result.status,
      durationMs: result.durationMs,
      bytes: result.body.length,
    });
    return { status: result.status, body: result.body, durationMs: result.durationMs };
  }

  private keepSession(header: string | string[] | undefined): void {
    for (const cookie of typeof header === 'string' ? [header] : (header ?? [])) {
      const match = /^\s*(JSESSIONIDSSO|JSESSIONID)=([^;\s]{1,256})/.exec(cookie);
      if (match) this.session.set(match[1]!, match[2]!);
    }
  }

  private transportError(failure: HttpFailure, operation: string): AxlError {
    const where = `AXL ${operation} at ${this.url}`;
    switch (failure.kind) {
      case 'timeout':
        return this.fail('timeout', `${where}: no complete answer within ${this.options.timeoutMs} ms (timeout)`, {
          operation,
        });
      case 'cancelled':
        return this.fail('timeout', `${where}: cancelled`, { operation });
      case 'too-large':
        return this.fail(
          'malformed',
          `${where}: the response exceeds ${failure.limitBytes} bytes; refused (real CUCM caps responses at 8 MB)`,
          { operation },
        );
      case 'refused':
        return this.fail('refused', `${where}: connection refused (is the host right and port 8443 open?)`, {
          operation,
        });
      case 'unresolved':
        return this.fail('network', `${where}: the host name does not resolve (${failure.code})`, { operation });
      case 'tls':
        return this.fail(
          'tls',
          `${where}: TLS verification failed (${failure.code}): add the CA that signed the CUCM tomcat certificate as cucm.axl.caFile`,
          { operation },
        );
      case 'unreachable':
        return this.fail('network', `${where}: ${failure.code}: ${failure.detail}`, { operation });
    }
  }

  /** Turns status + body into the Response element or a typed failure. */
  private interpret(operation: string, status: number, raw: string): { body: XmlNode } {
    const where = `AXL ${operation} at ${this.url}`;
    if (status === 401) {
      return this.throwing(
        'unauthorized',
        `${where}: HTTP 401 Unauthorized: CUCM refused the AXL user name or password (check the environment variables named by cucm.axl.usernameEnv/passwordEnv)`,
        status,
        operation,
      );
    }
    if (status === 403) {
      return this.throwing(
        'forbidden',
        `${where}: HTTP 403 Forbidden: the AXL user lacks the "Standard AXL API Access" role (Cisco Unified CM Administration > User Management > User Settings > Access Control Group)`,
        status,
        operation,
      );
    }
    if (status === 404) {
      return this.throwing(
        'not-activated',
        `${where}: HTTP 404 Not Found: the Cisco AXL Web Service is not activated on this node (Cisco Unified Serviceability > Tools > Service Activation), or the URL is not the publisher's https://<host>:8443/axl/`,
        status,
        operation,
      );
    }
    if (status === 503) {
      return this.throwing(
        'unavailable',
        `${where}: HTTP 503 Service Unavailable: the Cisco AXL Web Service is not running or is throttling requests`,
        status,
        operation,
      );
    }
    let body: ReturnType<typeof parseSoapBody>;
    try {
      body = parseSoapBody(raw);
    } catch (error) {
      const reason = error instanceof XmlShapeError ? error.message : String(error);
      if (status !== 200 && status !== 500)
        return this.throwing(
          'http',
          `${where}: HTTP ${status} with a body that is not AXL (${reason})`,
          status,
          operation,
        );
      return this.throwing('malformed', `${where}: HTTP ${status}, but ${reason}`, status, operation);
    }
    const fault = child(body, 'Fault');
    if (fault !== undefined) {
      const axlError = child(child(fault, 'detail'), 'axlError');
      const detail: AxlFaultDetail = {
        faultcode: text(fault, 'faultcode'),
        faultstring: text(fault, 'faultstring'),
        axlcode: text(axlError, 'axlcode'),
        axlmessage: text(axlError, 'axlmessage'),
        request: text(axlError, 'request'),
      };
      const said = detail.axlmessage ?? detail.faultstring ?? 'no fault text';
      const tooLarge = TOO_LARGE.exec(said);
      if (tooLarge) {
        const total = /Total rows matched:\s*(\d+)/i.exec(said)?.[1];
        const suggested = /less than\s*(\d+)/i.exec(said)?.[1];
        throw this.fail('too-large', `${where}: AXL fault (axlcode ${detail.axlcode ?? 'none'}): ${said}`, {
          status,
          operation,
          fault: detail,
          ...(total ? { totalRows: Number(total) } : {}),
          ...(suggested ? { suggestedRows: Number(suggested) } : {}),
        });
      }
      throw this.fail('fault', `${where}: AXL fault (axlcode ${detail.axlcode ?? 'none'}): ${said}`, {
        status,
        operation,
        fault: detail,
      });
    }
    if (status !== 200) return this.throwing('http', `${where}: unexpected HTTP ${status}`, status, operation);
    const response = child(body, `${operation}Response`);
    if (response === undefined) {
      return this.throwing(
        'malformed',
        `${where}: the SOAP body holds no ${operation}Response element`,
        status,
        operation,
      );
    }
    return { body: response };
  }

  private throwing(kind: AxlError['kind'], message: string, status: number, operation: string): never {
    throw this.fail(kind, message, { status, operation });
  }
}

/**
 * Two kinds of request share the places in flight: list and SQL pages, which keep CUCM busy for
 * a long time each (tens of milliseconds per thousand rows) and gate the next page of their list,
 * and single items (get*, getCCMVersion), which are short and gate nothing. A free place goes to
 * the oldest page waiting, and to an item only when no page waits: the long requests go first and
 * the short ones fill the gaps (while a list waits for its page to be counted) and the end, so the
 * two places stay busy to the last request, and the last pages are read while items come and go.
 * (Measured against the bench's CUCM-like server, docs/performance.md: items beside pages made
 * both slower, and a page left for the end kept one place idle while it was sent.)
 */
export type Lane = 'page' | 'item';

/**
 * The client's places in flight: pages first, FIFO within each lane. An exclusive run
 * waits until no other request is on the wire and keeps new ones back until it ends; it goes
 * before the requests already waiting.
 */
class InFlight {
  private active = 0;
  private exclusive = false;
  private readonly waiting: Array<{ exclusive: boolean; lane: Lane; start: () => void }> = [];

  constructor(private readonly size: number) {}

  async run<T>(operation: () => Promise<T>, lane: Lane, exclusive = false): Promise<T> {
    if (this.waiting.length > 0 || !this.canStart(exclusive)) {
      await new Promise<void>((start) => {
        const waiter = { exclusive, lane, start };
        if (exclusive) {
          const firstShared = this.waiting.findIndex((candidate) => !candidate.exclusive);
          this.waiting.splice(firstShared < 0 ? this.waiting.length : firstShared, 0, waiter);
        } else this.waiting.push(waiter);
      });
    } else this.enter(exclusive);
    try {
      return await operation();
    } finally {
      this.active--;
      if (exclusive) this.exclusive = false;
      this.pump();
    }
  }

  private canStart(exclusive: boolean): boolean {
    return !this.exclusive && (exclusive ? this.active === 0 : this.active < this.size);
  }

  private enter(exclusive: boolean): void {
    this.active++;
    if (exclusive) this.exclusive = true;
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.canStart(this.waiting[0]!.exclusive)) {
      let index = 0;
      if (!this.waiting[0]!.exclusive && this.waiting[0]!.lane === 'item') {
        const page = this.waiting.findIndex((candidate) => !candidate.exclusive && candidate.lane === 'page');
        if (page >= 0) index = page;
      }
      const [next] = this.waiting.splice(index, 1);
      this.enter(next!.exclusive);
      next!.start();
    }
  }
}

/** Waits out a retry backoff; every waiter shares one 'abort' listener on the client's signal. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const detach = signal
      ? onceAborted(signal, () => {
          clearTimeout(timer);
          reject(signal.reason as Error);
        })
      : undefined;
    const timer = setTimeout(() => {
      detach?.();
      resolve();
    }, ms);
  });
}

/** `<name>x</name>` for a get request (AXL accepts the name or the uuid). */
export function nameElement(name: string): string {
  return `<name>${escapeXml(name)}</name>`;
}
