import { domainToASCII } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  basicAuthorization,
  CERTIFICATE_CODES,
  createHttpsAgent,
  httpExchange,
  redact,
  type HttpFailure,
} from './https.js';
import { printable } from './peer-text.js';

/**
 * Jabber's edge discovery through Expressway-E, as a remote client makes it after
 * `_collab-edge._tls.<domain>` named the edge (docs/edge-discovery.md has the sources):
 *
 *   GET https://<SRV target>:8443/<base64 of domain>/get_edge_config?service_name=_cisco-uds&service_name=_cuplogin
 *
 * The answer is Expressway-C's view of the domain relayed through the traversal zone: an XML
 * `getEdgeConfigResponse` whose `serviceConfig` lists the UDS (`_cisco-uds`) servers and whose
 * `edgeConfig` names the SIP, XMPP, HTTP and TURN edge servers. This module fetches and parses it;
 * src/edge/discovery.ts says what an answer means.
 */

export const EDGE_DISCOVERY_PORT = 8443;
/** A real answer is a few kilobytes; a megabyte is already a broken or hostile edge. */
export const DEFAULT_MAX_EDGE_CONFIG_BYTES = 1024 * 1024;
/** More entries than this in one list are dropped (and counted): bounded evidence whatever the peer sends. */
export const MAX_EDGE_ENTRIES = 64;

/**
 * The path segment Jabber and TC endpoints put before get_edge_config: the domain in base64 with
 * the `=` padding removed (Cisco's published traces show `dGJ0cC5jb20` for tbtp.com). For the
 * letters, digits, hyphens and dots of a host name the standard and URL-safe alphabets give the
 * same characters (`+` and `/` never occur), so base64url without padding is both.
 */
export function edgeDomainSegment(domain: string): string {
  const name = domain.trim().replace(/\.$/, '').toLowerCase();
  // Only an internationalised name needs its A-label form; domainToASCII would also rewrite a
  // numeric name as an IPv4 address.
  const ascii = /^[\x21-\x7e]*$/.test(name) ? name : domainToASCII(name) || name;
  return Buffer.from(ascii, 'utf8').toString('base64url');
}

/** The domain a path segment names (tolerating padding and either alphabet), or undefined. */
export function domainOfSegment(segment: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(segment)) return undefined;
  const text = Buffer.from(segment.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'), 'base64url').toString(
    'utf8',
  );
  return /^[a-z0-9_.-]+$/i.test(text) ? text.toLowerCase() : undefined;
}

export function edgeConfigUrl(target: string, domain: string, port = EDGE_DISCOVERY_PORT): string {
  const host = target.includes(':') ? `[${target}]` : target;
  return `https://${host}:${port}/${edgeDomainSegment(domain)}/get_edge_config?service_name=_cisco-uds&service_name=_cuplogin`;
}

export interface EdgeServiceServer {
  host: string;
  port?: number;
  priority?: number;
  weight?: number;
}

/** One `serviceConfig/service`: the SRV-like answer Expressway-C gives for a service name. */
export interface EdgeService {
  name: string;
  servers: EdgeServiceServer[];
  /** e.g. `NameError`: Expressway-C found no server for the service. */
  error?: string;
}

/** One `edgeConfig/<kind>EdgeServer/server`. */
export interface EdgeServerEntry {
  host: string;
  tlsPort?: number;
  tcpPort?: number;
  udpPort?: number;
}

export interface EdgeConfigDocument {
  version?: string;
  services: EdgeService[];
  /** The servers of the `_cisco-uds` service that name a host: where Jabber goes on for UDS. */
  udsServers: EdgeServiceServer[];
  /** `edgeConfig/userUdsServer` entries with an address (present when the request carried a user). */
  userUdsServers: EdgeServerEntry[];
  sipEdgeServers: EdgeServerEntry[];
  xmppEdgeServers: EdgeServerEntry[];
  httpEdgeServers: EdgeServerEntry[];
  turnEdgeServers: EdgeServerEntry[];
  /** `edgeConfig/sipRequest/route`: the Route Expressway-C wants on SIP requests. */
  sipRoutes: string[];
  /** Entries dropped beyond MAX_EDGE_ENTRIES per list. */
  omitted: number;
}

export interface EdgeConfigExchange {
  url: string;
  /** The IP address connected to, when the caller pinned one (the external view's A record). */
  connectedTo?: string;
  /** `client-trust`: verified against edge.clientTrust only; `node-roots`: Node's root store. */
  trust: 'client-trust' | 'node-roots';
  /** Whether a test user's Basic credentials were sent (never which). */
  credentials: 'none' | 'basic';
  httpStatus?: number;
  /** The `Server` header (Expressway-C's edge config server names itself there). */
  server?: string;
  /** The `WWW-Authenticate` challenge of a 401 (Expressway answers `Basic realm="Cisco-Edge"`). */
  wwwAuthenticate?: string;
  contentType?: string;
  bytes?: number;
  durationMs: number;
}

export type EdgeConfigFailure =
  /** Any answer but 200; src/edge/discovery.ts maps 401, 403, 404 and 5xx to their causes. */
  | { kind: 'http'; status: number; body: string }
  /** A 200 that is not an edge configuration: not XML, a DOCTYPE, another root element. */
  | { kind: 'malformed'; detail: string }
  /** `certificate`: the chain does not verify against the trust used, or does not name the target. */
  | { kind: 'tls'; code: string; detail: string; certificate: boolean }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'cancelled' }
  | { kind: 'too-large'; limitBytes: number }
  | { kind: 'refused' | 'unresolved' | 'unreachable'; code: string; detail: string };

export type EdgeConfigResult =
  | { ok: true; config: EdgeConfigDocument; exchange: EdgeConfigExchange }
  | { ok: false; failure: EdgeConfigFailure; exchange: EdgeConfigExchange };

export interface EdgeConfigFetchOptions {
  /** The `_collab-edge` SRV target: URL host, SNI, Host header and the name the certificate must carry. */
  target: string;
  port?: number;
  /** Connect to this IP (as the external resolvers gave it) instead of resolving `target` here. */
  address?: string;
  /** The enterprise domain asked about (base64 in the path). */
  domain: string;
  /** PEM certificates MRA clients trust (edge.clientTrust); undefined: Node's root store. */
  clientTrust?: readonly string[];
  /** A test user's credentials, sent as Basic authorization as Jabber and TC endpoints do. */
  credentials?: { username: string; password: string };
  timeoutMs: number;
  signal: AbortSignal;
  maxBytes?: number;
}

const LIST_ELEMENTS = new Set(['service', 'server', 'address', 'route']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // Only XML's five predefined entities and character references are decoded: a DOCTYPE, the only
  // way to declare more, is refused before parsing.
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: 32,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

type Node = Record<string, unknown>;
const asNode = (value: unknown): Node | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const text = (value: unknown): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first.trim().slice(0, 255);
  const node = asNode(first);
  return node && typeof node['#text'] === 'string' ? node['#text'].trim().slice(0, 255) : undefined;
};
const portOf = (value: unknown): number | undefined => {
  const raw = text(value);
  if (!raw || !/^[0-9]{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : undefined;
};
const numberOf = (value: unknown): number | undefined => {
  const raw = text(value);
  return raw && /^[0-9]{1,5}$/.test(raw) ? Number(raw) : undefined;
};

/** Reads an edge configuration document (exported for the tests and the lab's own checks). */
export function parseEdgeConfig(
  body: string,
): { ok: true; config: EdgeConfigDocument } | { ok: false; detail: string } {
  const xml = body.replace(/^\uFEFF/, '');
  if (!xml.trimStart().startsWith('<')) return { ok: false, detail: 'the answer is not XML' };
  // A DOCTYPE has no place in this answer; refusing it closes every entity trick at once.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    return { ok: false, detail: 'the answer carries a DOCTYPE or entity declaration' };
  const validation = XMLValidator.validate(xml);
  if (validation !== true)
    return {
      ok: false,
      detail: `not well-formed XML: ${validation.err.msg.slice(0, 120)} at line ${validation.err.line}`,
    };
  let document: Node | undefined;
  try {
    document = asNode(parser.parse(xml));
  } catch (error) {
    return { ok: false, detail: `not readable XML: ${(error as Error).message.split('\n')[0]?.slice(0, 120)}` };
  }
  const root = asNode(document?.getEdgeConfigResponse);
  if (!root) {
    const found = Object.keys(document ?? {}).find((key) => !key.startsWith('?') && !key.startsWith('#'));
    return {
      ok: false,
      detail: `the root element is ${found ? `<${found.slice(0, 60)}>` : 'missing'}, not <getEdgeConfigResponse>`,
    };
  }
  let omitted = 0;
  const capped = <T>(items: T[]): T[] => {
    if (items.length <= MAX_EDGE_ENTRIES) return items;
    omitted += items.length - MAX_EDGE_ENTRIES;
    return items.slice(0, MAX_EDGE_ENTRIES);
  };
  const services = capped(
    list(asNode(root.serviceConfig)?.service).flatMap((raw): EdgeService[] => {
      const node = asNode(raw);
      const name = node && text(node.name);
      if (!node || !name) return [];
      const servers = capped(
        list(node.server).flatMap((entry): EdgeServiceServer[] => {
          const server = asNode(entry);
          const host = server && text(server.address);
          if (!server || !host) return [];
          const port = portOf(server.port);
          const priority = numberOf(server.priority);
          const weight = numberOf(server.weight);
          return [
            {
              host,
              ...(port !== undefined ? { port } : {}),
              ...(priority !== undefined ? { priority } : {}),
              ...(weight !== undefined ? { weight } : {}),
            },
          ];
        }),
      );
      const error = text(node.error);
      return [{ name, servers, ...(error ? { error } : {}) }];
    }),
  );
  const edge = asNode(root.edgeConfig);
  const entries = (element: string): EdgeServerEntry[] =>
    capped(
      list(asNode(edge?.[element])?.server).flatMap((entry): EdgeServerEntry[] => {
        const server = asNode(entry);
        const host = server && text(server.address);
        if (!server || !host) return [];
        const tlsPort = portOf(server.tlsPort);
        const tcpPort = portOf(server.tcpPort);
        const udpPort = portOf(server.udpPort);
        return [
          {
            host,
            ...(tlsPort !== undefined ? { tlsPort } : {}),
            ...(tcpPort !== undefined ? { tcpPort } : {}),
            ...(udpPort !== undefined ? { udpPort } : {}),
          },
        ];
      }),
    );
  const version = typeof root['@version'] === 'string' ? root['@version'].slice(0, 20) : undefined;
  return {
    ok: true,
    config: {
      ...(version ? { version } : {}),
      services,
      udsServers: services.filter((service) => service.name === '_cisco-uds').flatMap((service) => service.servers),
      userUdsServers: entries('userUdsServer'),
      sipEdgeServers: entries('sipEdgeServer'),
      xmppEdgeServers: entries('xmppEdgeServer'),
      httpEdgeServers: entries('httpEdgeServer'),
      turnEdgeServers: entries('turnEdgeServer'),
      sipRoutes: capped(list(asNode(edge?.sipRequest)?.route).flatMap((route) => text(route) ?? [])),
      omitted,
    },
  };
}

function failureOf(failure: HttpFailure): EdgeConfigFailure {
  switch (failure.kind) {
    case 'tls':
      return { ...failure, certificate: CERTIFICATE_CODES.has(failure.code) };
    default:
      return failure;
  }
}

const header = (value: string | string[] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value)?.slice(0, 200);

/**
 * One discovery request, bounded by `timeoutMs` including the body, verified against the trust
 * MRA clients have. A non-200 answer, a TLS failure or an unreadable body is a typed failure.
 */
export async function fetchEdgeConfig(options: EdgeConfigFetchOptions): Promise<EdgeConfigResult> {
  const started = performance.now();
  const url = edgeConfigUrl(options.target, options.domain, options.port ?? EDGE_DISCOVERY_PORT);
  const exchange: EdgeConfigExchange = {
    url,
    ...(options.address ? { connectedTo: options.address } : {}),
    trust: options.clientTrust ? 'client-trust' : 'node-roots',
    credentials: options.credentials ? 'basic' : 'none',
    durationMs: 0,
  };
  const secrets = options.credentials
    ? [
        options.credentials.password,
        basicAuthorization(options.credentials.username, options.credentials.password).slice(6),
      ]
    : [];
  const finish = (
    result: { ok: true; config: EdgeConfigDocument } | { ok: false; failure: EdgeConfigFailure },
  ): EdgeConfigResult => {
    exchange.durationMs = Math.round(performance.now() - started);
    if (result.ok) return { ...result, exchange };
    const failure = result.failure;
    // A peer may echo what it was sent; nothing of the credentials leaves this function.
    if ('detail' in failure) failure.detail = redact(failure.detail, secrets);
    if (failure.kind === 'http') failure.body = redact(failure.body, secrets);
    return { ok: false, failure, exchange };
  };
  const agent = createHttpsAgent({
    timeoutMs: options.timeoutMs,
    connections: 1,
    ...(options.clientTrust ? { ca: options.clientTrust, caOnly: true } : {}),
    ...(options.address ? { connectTo: options.address } : {}),
  });
  try {
    const headers: Record<string, string> = {
      // What Cisco's TC endpoints send in the published traces; Jabber's own headers are not public.
      accept: 'text/xml',
      'user-agent': 'mra-preflight (edge discovery check)',
    };
    if (options.credentials)
      headers.authorization = basicAuthorization(options.credentials.username, options.credentials.password);
    const result = await httpExchange({
      url,
      headers,
      dispatcher: agent,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_EDGE_CONFIG_BYTES,
    });
    if (!result.ok) return finish({ ok: false, failure: failureOf(result.failure) });
    exchange.httpStatus = result.status;
    exchange.bytes = result.body.length;
    const server = header(result.headers.server);
    const challenge = header(result.headers['www-authenticate']);
    const contentType = header(result.headers['content-type']);
    if (server) exchange.server = server;
    if (challenge) exchange.wwwAuthenticate = challenge;
    if (contentType) exchange.contentType = contentType;
    if (result.status !== 200) {
      const body = printable(result.body.subarray(0, 500).toString('utf8'), 500);
      return finish({ ok: false, failure: { kind: 'http', status: result.status, body } });
    }
    const parsed = parseEdgeConfig(result.body.toString('utf8'));
    return finish(parsed.ok ? parsed : { ok: false, failure: { kind: 'malformed', detail: parsed.detail } });
  } finally {
    await agent.destroy().catch(() => {});
  }
}
