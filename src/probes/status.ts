import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Agent } from 'undici';
import { basicAuthorization, CERTIFICATE_CODES, createHttpsAgent, httpExchange, type HttpFailure } from './https.js';
import type { HttpsClientConfig } from '../inventory/types.js';

/**
 * Where each Expressway's software version comes from: its live `status.xml` (the page the
 * Expressway web server publishes for monitoring, behind an administrator's Basic auth) when the
 * inventory gives a `status` block and the run is online, else the inventory's `version`.
 */

/** The element Expressway (VCS lineage) reports its running release in. */
export const VERSION_ELEMENT = 'Status/SystemUnit/Software/Version';

/** A real status.xml is tens of kilobytes, a few MB on a busy cluster; anything larger is hostile. */
export const DEFAULT_MAX_STATUS_BYTES = 8 * 1024 * 1024;

/** Why status.xml gave no version. Messages built from these never carry secrets. */
export type StatusFailure =
  | { kind: 'auth'; httpStatus: number }
  | { kind: 'http'; httpStatus: number }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'cancelled' }
  | { kind: 'tls'; code: string }
  | { kind: 'unreachable'; code: string }
  | { kind: 'too-large'; limitBytes: number }
  | { kind: 'malformed'; detail: string }
  | { kind: 'missing-element'; element: string }
  | { kind: 'config'; detail: string };

/** How the exchange with status.xml went; the facts a person re-checks with curl. */
export interface StatusExchange {
  /** The URL without any userinfo. */
  url: string;
  /** `on`: verified against the system roots (+ caFile); `off`: `insecure: true`; `none`: plain HTTP. */
  tlsVerification: 'on' | 'off' | 'none';
  /** Environment variable names the credentials came from (never their values). */
  credentialsFrom?: string;
  httpStatus?: number;
  bytes?: number;
  durationMs: number;
}

/** Other SystemUnit facts of the page, as evidence next to the version. */
export interface StatusFacts {
  product?: string;
  build?: string;
  releaseDate?: string;
}

export type StatusFetchResult =
  | { ok: true; version: string; facts: StatusFacts; exchange: StatusExchange }
  | { ok: false; failure: StatusFailure; exchange: StatusExchange };

/** One sentence for a failure, e.g. for a finding message. */
export function describeStatusFailure(failure: StatusFailure): string {
  switch (failure.kind) {
    case 'auth':
      return `the Expressway refused the credentials (HTTP ${failure.httpStatus}); check the account named by usernameEnv/passwordEnv and that it may read status.xml`;
    case 'http':
      return `HTTP ${failure.httpStatus} instead of the status document`;
    case 'timeout':
      return `no complete answer within ${failure.timeoutMs} ms`;
    case 'cancelled':
      return 'the run was cancelled before the answer came';
    case 'tls':
      return CERTIFICATE_CODES.has(failure.code)
        ? `TLS verification failed (${failure.code}); give the CA that issued the Expressway certificate as caFile`
        : `the TLS handshake failed (${failure.code})`;
    case 'unreachable':
      return `the server could not be reached (${failure.code})`;
    case 'too-large':
      return `the answer exceeded ${failure.limitBytes >= 1024 * 1024 ? `${Math.round(failure.limitBytes / (1024 * 1024))} MiB` : `${failure.limitBytes} bytes`} and was cut off`;
    case 'malformed':
      return `the answer is not XML (${failure.detail})`;
    case 'missing-element':
      return `the document has no ${failure.element} element`;
    case 'config':
      return failure.detail;
  }
}

/** A transport failure of the shared HTTPS client, as status.xml reports it. */
function statusFailureOf(failure: HttpFailure): StatusFailure {
  switch (failure.kind) {
    case 'timeout':
    case 'cancelled':
    case 'too-large':
      return failure;
    case 'tls':
      return { kind: 'tls', code: failure.code };
    default:
      return { kind: 'unreachable', code: failure.code };
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Versions stay strings: "8.10" must not become the number 8.1.
  parseTagValue: false,
  // No entity expansion: a hostile peer's DOCTYPE cannot blow up memory.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: 64,
});

/** Text of an element, tolerating repeats (first wins) and attributes (`#text`). */
function textOf(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  if (first !== null && typeof first === 'object' && '#text' in first)
    return textOf((first as Record<string, unknown>)['#text']);
  return undefined;
}

function child(value: unknown, name: string): unknown {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (first === null || typeof first !== 'object') return undefined;
  return Object.hasOwn(first, name) ? (first as Record<string, unknown>)[name] : undefined;
}

/** Reads the version out of a status.xml body (exported for unit tests). */
export function parseStatusDocument(
  text: string,
): { ok: true; version: string; facts: StatusFacts } | { ok: false; failure: StatusFailure } {
  const body = text.replace(/^\uFEFF/, '');
  if (!body.trimStart().startsWith('<'))
    return { ok: false, failure: { kind: 'malformed', detail: 'does not start with a tag' } };
  const validation = XMLValidator.validate(body);
  if (validation !== true) {
    return {
      ok: false,
      failure: { kind: 'malformed', detail: `${validation.err.msg.slice(0, 120)} at line ${validation.err.line}` },
    };
  }
  let document: unknown;
  try {
    document = parser.parse(body);
  } catch (error) {
    return {
      ok: false,
      failure: { kind: 'malformed', detail: (error as Error).message.split('\n')[0]?.slice(0, 120) ?? 'parse error' },
    };
  }
  const systemUnit = child(child(document, 'Status'), 'SystemUnit');
  const software = child(systemUnit, 'Software');
  const version = textOf(child(software, 'Version'))?.trim();
  if (!version) return { ok: false, failure: { kind: 'missing-element', element: VERSION_ELEMENT } };
  const facts: StatusFacts = {};
  const product = textOf(child(systemUnit, 'Product'));
  const build = textOf(child(software, 'Build'));
  const releaseDate = textOf(child(software, 'ReleaseDate'));
  if (product) facts.product = product.slice(0, 100);
  if (build) facts.build = build.slice(0, 100);
  if (releaseDate) facts.releaseDate = releaseDate.slice(0, 100);
  return { ok: true, version: version.slice(0, 100), facts };
}

export interface StatusFetchOptions {
  timeoutMs: number;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  maxBytes?: number;
  /** Reused connection pool for this CA/verification setting (the source keeps one per setting). */
  dispatcher?: Agent;
}

/** A connection pool that verifies against the system roots plus `caFile`, unless insecure. */
export function createStatusAgent(config: Pick<HttpsClientConfig, 'caFile' | 'insecure'>, timeoutMs: number): Agent {
  return createHttpsAgent({
    timeoutMs,
    ...(config.caFile ? { caFile: config.caFile } : {}),
    ...(config.insecure ? { insecure: true } : {}),
  });
}

/** GETs status.xml once (one request, bounded by timeoutMs including the body) and reads the version. */
export async function fetchStatusVersion(
  config: HttpsClientConfig,
  options: StatusFetchOptions,
): Promise<StatusFetchResult> {
  const started = performance.now();
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(config.url);
  } catch {
    return {
      ok: false,
      failure: { kind: 'config', detail: 'the status URL is not a valid URL' },
      exchange: { url: '(invalid URL)', tlsVerification: 'on', durationMs: 0 },
    };
  }
  const hadUserinfo = parsedUrl.username !== '' || parsedUrl.password !== '';
  parsedUrl.username = '';
  parsedUrl.password = '';
  const url = parsedUrl.toString();
  const plain = parsedUrl.protocol === 'http:';
  const exchange: StatusExchange = {
    url,
    tlsVerification: plain ? 'none' : config.insecure ? 'off' : 'on',
    durationMs: 0,
  };
  const finish = (
    result: { ok: true; version: string; facts: StatusFacts } | { ok: false; failure: StatusFailure },
  ): StatusFetchResult => {
    exchange.durationMs = Math.round(performance.now() - started);
    return result.ok ? { ...result, exchange } : { ...result, exchange };
  };
  if (hadUserinfo)
    return finish({
      ok: false,
      failure: {
        kind: 'config',
        detail: 'the status URL carries credentials; name them with usernameEnv/passwordEnv instead',
      },
    });

  const headers: Record<string, string> = { accept: 'text/xml, application/xml' };
  if (config.usernameEnv || config.passwordEnv) {
    exchange.credentialsFrom = [config.usernameEnv, config.passwordEnv].filter(Boolean).join('/');
    if (!config.usernameEnv || !config.passwordEnv) {
      return finish({
        ok: false,
        failure: { kind: 'config', detail: 'usernameEnv and passwordEnv must be given together' },
      });
    }
    const username = options.env[config.usernameEnv];
    const password = options.env[config.passwordEnv];
    const unset = [!username && config.usernameEnv, !password && config.passwordEnv].filter(Boolean);
    if (unset.length > 0) {
      const detail =
        unset.length > 1
          ? `environment variables ${unset.join(' and ')} are not set`
          : `environment variable ${unset[0]} is not set`;
      return finish({ ok: false, failure: { kind: 'config', detail } });
    }
    // Basic auth over plain HTTP would hand the administrator password to anyone on the path.
    if (plain)
      return finish({
        ok: false,
        failure: { kind: 'config', detail: 'refusing to send credentials over plain HTTP; use an https:// status URL' },
      });
    headers.authorization = basicAuthorization(username!, password!);
  }

  let dispatcher = options.dispatcher;
  let ownAgent: Agent | undefined;
  if (!dispatcher) {
    try {
      dispatcher = ownAgent = createStatusAgent(config, options.timeoutMs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return finish({
        ok: false,
        failure: { kind: 'config', detail: `caFile ${config.caFile ?? ''} cannot be read (${code})` },
      });
    }
  }
  try {
    const result = await httpExchange({
      url,
      headers,
      dispatcher,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_STATUS_BYTES,
    });
    if (!result.ok) {
      if (result.failure.kind === 'too-large') exchange.bytes = result.failure.limitBytes + 1;
      return finish({ ok: false, failure: statusFailureOf(result.failure) });
    }
    exchange.httpStatus = result.status;
    if (result.status !== 200) {
      const location = String(result.headers.location ?? '');
      // The Expressway web UI answers an unauthenticated page request by redirecting to its login form.
      const toLogin = result.status >= 300 && result.status < 400 && /login/i.test(location);
      const failure: StatusFailure =
        result.status === 401 || result.status === 403 || toLogin
          ? { kind: 'auth', httpStatus: result.status }
          : { kind: 'http', httpStatus: result.status };
      return finish({ ok: false, failure });
    }
    exchange.bytes = result.body.length;
    return finish(parseStatusDocument(result.body.toString('utf8')));
  } finally {
    if (ownAgent) await ownAgent.destroy().catch(() => {});
  }
}
