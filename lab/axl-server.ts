import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CucmSnapshot, IceSettings } from '../src/cucm/snapshot.js';
import { ICE_VENDOR_ELEMENTS } from '../src/cucm/collect.js';
import { axlNamespace, child, children, escapeXml, parseSoapBody, text, type XmlNode } from '../src/probes/axl/xml.js';
import { GET_RETURNED_TAGS, LIST_REQUESTS } from './axl-schema.js';

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
/** CUCM does not publish the axlcode of its throttling faults; the text is what clients match. */
const THROTTLE_AXLCODE = -1;

type Row = Record<string, string | undefined>;

interface Table {
  item: string;
  /** The searchCriteria element a `%` pattern is matched against. */
  key: string;
  rows: Row[];
}

const bool = (value: boolean | undefined): string | undefined => (value === undefined ? undefined : String(value));

/** The rows each list request reads, as AXL names the fields (computed once: the snapshot is fixed). */
function tables(snapshot: CucmSnapshot): Record<string, Table> {
  return {
    listPhone: {
      item: 'phone',
      key: 'name',
      rows: snapshot.phones.map((phone) => ({
        name: phone.name,
        product: phone.model,
        model: phone.model,
        protocol: phone.protocol,
        devicePoolName: phone.devicePool,
        securityProfileName: phone.securityProfile,
        commonPhoneConfigName: phone.commonPhoneProfile,
        ownerUserName: phone.owner,
        enableExtensionMobility: bool(phone.enableExtensionMobility),
      })),
    },
    listPhoneSecurityProfile: {
      item: 'phoneSecurityProfile',
      key: 'name',
      rows: snapshot.securityProfiles.map((profile) => ({
        name: profile.name,
        phoneType: profile.phoneType,
        protocol: profile.protocol,
        deviceSecurityMode: profile.deviceSecurityMode,
        transportType: profile.transportType,
        tftpEncryptedConfig: String(profile.tftpEncryptedConfig),
        EnableOAuthAuthentication: bool(profile.enableOAuthAuthentication),
      })),
    },
    listDevicePool: {
      item: 'devicePool',
      key: 'name',
      rows: snapshot.devicePools.map((pool) => ({
        name: pool.name,
        dateTimeSettingName: pool.dateTimeGroup,
        regionName: pool.region,
      })),
    },
    listDateTimeGroup: {
      item: 'dateTimeGroup',
      key: 'name',
      rows: snapshot.dateTimeGroups.map((group) => ({ name: group.name, timeZone: 'Etc/GMT' })),
    },
    listRegion: { item: 'region', key: 'name', rows: snapshot.regions.map((region) => ({ name: region.name })) },
    listCommonPhoneConfig: {
      item: 'commonPhoneConfig',
      key: 'name',
      rows: snapshot.commonPhoneProfiles.map((profile) => ({ name: profile.name })),
    },
    listUserProfileProvision: {
      item: 'userProfileProvision',
      key: 'name',
      rows: snapshot.userProfiles.map((profile) => ({
        name: profile.name,
        allowProvision: String(profile.allowProvision),
        limitProvision: profile.limitProvision === undefined ? undefined : String(profile.limitProvision),
      })),
    },
    listUser: {
      item: 'user',
      key: 'userid',
      rows: snapshot.users.map((user) => ({ userid: user.userid, imAndPresenceEnable: String(user.jabber) })),
    },
    listProcessNodeService: {
      item: 'processNodeService',
      key: 'processNodeName',
      rows: snapshot.services.map((service) => ({
        processNodeName: service.node,
        service: service.name,
        enable: String(service.activated),
      })),
    },
  };
}

/** executeSQLQuery tables: rows of the tables the collector reads (SQL only where AXL has no typed request). */
function sqlTables(snapshot: CucmSnapshot): Array<{ table: RegExp; rows: Row[] }> {
  const security = snapshot.clusterSecurity ?? {};
  const params: Row[] = [];
  if (security.clusterSecurityMode !== undefined)
    params.push({ paramname: 'ClusterSecurityMode', paramvalue: security.clusterSecurityMode === 'mixed' ? '1' : '0' });
  if (security.sipOAuthMode !== undefined)
    params.push({ paramname: 'ClusterSIPOAuthMode', paramvalue: security.sipOAuthMode === 'enabled' ? '1' : '0' });
  return [
    {
      table: /\bucuserprofile\b/i,
      rows: snapshot.users
        .filter((user) => user.userProfile)
        .map((user) => ({ userid: user.userid, userprofile: user.userProfile })),
    },
    { table: /\bprocessconfig\b/i, rows: params },
  ];
}

function uuid(index: number, kind: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `{${kind.toString(16).padStart(8, '0').toUpperCase()}-0000-4000-8000-${hex.toUpperCase()}}`;
}

function element(name: string, value: string | undefined): string {
  return value === undefined || value === '' ? `<${name}/>` : `<${name}>${escapeXml(value)}</${name}>`;
}

/** `%` is AXL's wildcard in searchCriteria, as in SQL LIKE. */
function likeMatcher(pattern: string | undefined): (value: string | undefined) => boolean {
  if (pattern === undefined || pattern === '%') return () => true;
  const regex = new RegExp(
    `^${pattern
      .split('%')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return (value) => value !== undefined && regex.test(value);
}

const ENVELOPE_START = `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>`;

function envelope(version: string, operation: string, inner: string): string {
  return (
    `${ENVELOPE_START}<ns:${operation}Response xmlns:ns="${axlNamespace(version)}"><return>${inner}</return>` +
    `</ns:${operation}Response></soapenv:Body></soapenv:Envelope>`
  );
}

export function faultEnvelope(
  operation: string,
  axlcode: string | number,
  message: string,
  faultcode = 'soapenv:Server',
): string {
  return (
    `${ENVELOPE_START}<soapenv:Fault><faultcode>${escapeXml(faultcode)}</faultcode><faultstring>${escapeXml(message)}</faultstring>` +
    `<detail><axlError><axlcode>${escapeXml(String(axlcode))}</axlcode><axlmessage>${escapeXml(message)}</axlmessage>` +
    `<request>${escapeXml(operation)}</request></axlError></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}

class Fault extends Error {
  constructor(
    readonly axlcode: string | number,
    message: string,
    readonly faultcode = 'soapenv:Server',
  ) {
    super(message);
  }
}

/** An answer ready to send: its body and how many rows it carries (the throttle's latency). */
interface Answer {
  body: string;
  rows: number;
}

function iceVendorConfig(ice: IceSettings | undefined): string {
  if (!ice) return '';
  const e = ICE_VENDOR_ELEMENTS;
  const onOff = (value: boolean | undefined): string | undefined =>
    value === undefined ? undefined : value ? 'Enabled' : 'Disabled';
  const parts: Array<[string, string | undefined]> = [
    [e.enabled, onOff(ice.enabled)],
    [e.defaultCandidateType, ice.defaultCandidateType],
    [e.serverReflexiveAddress, onOff(ice.serverReflexiveAddress)],
    [e.primaryTurnServer, ice.primaryTurnServer],
    [e.secondaryTurnServer, ice.secondaryTurnServer],
    [e.turnTransportType, ice.turnTransportType],
    [e.turnUsername, ice.turnUsername],
    [e.turnPassword, ice.turnPasswordSet ? 'lab-turn-secret' : undefined],
  ];
  return parts
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => element(name, value))
    .join('');
}

/** The names of the elements directly under `node` (returnedTags, searchCriteria). */
function elementNames(node: XmlNode | undefined): string[] {
  if (node === undefined || typeof node === 'string') return [];
  return Object.keys(node).filter((name) => children(node, name).length > 0);
}

/** CUCM refuses a request that its schema does not allow; the lab's wording, CUCM's behaviour. */
function invalidElement(where: string, name: string, type: string): Fault {
  return new Fault(
    '',
    `Invalid element in ${where}: ${name} is not an element of ${type} (AXL schema 15.0)`,
    'soapenv:Client',
  );
}

export async function startAxlServer(options: AxlServerOptions): Promise<AxlServer> {
  const versions = options.versions ?? ['12.5', '14.0', '15.0'];
  const maxBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  const throttle: AxlThrottle | undefined = options.throttle ? { ...CUCM_THROTTLE, ...options.throttle } : undefined;
  const snapshot = options.snapshot;
  const lists = tables(snapshot);
  const renderedRows = new Map<string, string[]>();
  const answered = new WeakMap<ServerResponse, () => void>();
  const sql = sqlTables(snapshot);
  const failures: AxlServerFailure[] = [...(options.failures ?? [])];
  const expectedAuth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const counts = new Map<string, number>();
  // One AXL session for the server's life, as CUCM keeps JSESSIONIDSSO for 30 idle minutes.
  const sessionId = Array.from({ length: 32 }, () => '0123456789ABCDEF'[Math.floor(Math.random() * 16)]).join('');
  const requests: AxlServerRequest[] = [];
  let inFlight = 0;
  let bytesInFlight = 0;
  const zero = (): AxlServerStats => ({
    requests: 0,
    bytes: 0,
    peakInFlight: 0,
    unavailable: 0,
    memoryFaults: 0,
    tooLarge: 0,
    inFlightMs: [0, 0, 0, 0, 0, 0],
  });
  let stats = zero();
  /** When the in-flight count last changed (undefined before the first request since resetStats). */
  let since: number | undefined;
  const moveInFlight = (delta: number): void => {
    const now = performance.now();
    if (since !== undefined) stats.inFlightMs[Math.min(inFlight, 5)]! += now - since;
    since = now;
    inFlight += delta;
  };
  const state = { maxInFlight: 0 };

  /** Refuses an answer over CUCM's response ceiling, as CUCM does, with a row count that fits. */
  const sized = (body: string, rows: number, total: number): Answer => {
    const size = Buffer.byteLength(body);
    if (size > maxBytes && rows > 1) {
      stats.tooLarge++;
      const suggested = Math.max(1, Math.floor((rows * maxBytes) / size));
      throw new Fault(
        THROTTLE_AXLCODE,
        `Query request too large. Total rows matched: ${total} rows. Suggestive Row Fetch: less than ${suggested} rows`,
      );
    }
    return { body, rows };
  };

  const listResponse = (version: string, operation: string, request: AxlServerRequest, call: XmlNode): Answer => {
    const table = lists[operation]!;
    const schema = LIST_REQUESTS[operation]!;
    const criteria = child(call, 'searchCriteria');
    const criteriaNames = elementNames(criteria);
    if (criteria === undefined || criteriaNames.length === 0)
      throw new Fault(
        '',
        `${operation}: at least one element under searchCriteria has to be mentioned`,
        'soapenv:Client',
      );
    for (const name of criteriaNames)
      if (!schema.searchCriteria.has(name)) throw invalidElement(`${operation} searchCriteria`, name, operation);
    if (request.returnedTags === undefined)
      throw new Fault('', `${operation}: returnedTags is required`, 'soapenv:Client');
    for (const tag of request.returnedTags)
      if (!schema.returnedTags.has(tag)) throw invalidElement(`${operation} returnedTags`, tag, schema.type);
    const pattern = text(criteria, table.key);
    const match = likeMatcher(pattern);
    const all =
      pattern === undefined || pattern === '%' ? table.rows : table.rows.filter((row) => match(row[table.key]));
    const skip = request.skip ?? 0;
    const page = request.first !== undefined ? all.slice(skip, skip + request.first) : all.slice(skip);
    const tags = request.returnedTags.length > 0 ? request.returnedTags : Object.keys(all[0] ?? {});
    const kind = Object.keys(lists).indexOf(operation) + 1;
    const render = (row: Row, index: number): string => {
      let inner = '';
      for (const tag of tags) inner += element(tag, row[tag]);
      return `<${table.item} uuid="${uuid(index, kind)}">${inner}</${table.item}>`;
    };
    let parts: string[];
    if (all === table.rows) {
      // The whole table with the same tags, page after page: each row is rendered once, so the
      // lab's own CPU (a real CUCM is another machine) stays out of the figures it serves.
      const key = `${operation}|${tags.join(',')}`;
      let rendered = renderedRows.get(key);
      if (!rendered) renderedRows.set(key, (rendered = table.rows.map(render)));
      parts = request.first !== undefined ? rendered.slice(skip, skip + request.first) : rendered.slice(skip);
    } else parts = page.map((row, index) => render(row, skip + index));
    return sized(envelope(version, operation, parts.join('')), page.length, all.length);
  };

  const sqlResponse = (version: string, query: string): Answer => {
    const paging = /^\s*select\s+skip\s+(\d+)\s+first\s+(\d+)\s+/i.exec(query);
    const skip = paging ? Number(paging[1]) : 0;
    const first = paging ? Number(paging[2]) : Number.POSITIVE_INFINITY;
    const source = sql.find((candidate) => candidate.table.test(query));
    if (!source) throw new Fault(-201, 'A syntax error has occurred.');
    const page = source.rows.slice(skip, skip + first);
    const inner = page
      .map(
        (row) =>
          `<row>${Object.entries(row)
            .map(([name, value]) => element(name, value))
            .join('')}</row>`,
      )
      .join('');
    return sized(envelope(version, 'executeSQLQuery', inner), page.length, source.rows.length);
  };

  /** The elements of a get answer, minus those returnedTags (when given) leaves out. */
  const picked = (returned: string[] | undefined, parts: Array<[string, string]>): string =>
    parts
      .filter(([name]) => returned === undefined || returned.length === 0 || returned.includes(name))
      .map(([, xml]) => xml)
      .join('');

  const getResponse = (version: string, operation: string, request: AxlServerRequest): Answer => {
    const name = request.name;
    const schema = GET_RETURNED_TAGS[operation];
    if (!schema) throw new Fault('', `Operation ${operation} is not supported by this server`, 'soapenv:Client');
    for (const tag of request.returnedTags ?? [])
      if (!schema.returnedTags.has(tag)) throw invalidElement(`${operation} returnedTags`, tag, schema.type);
    const returned = request.returnedTags;
    const notFound = (what: string): never => {
      throw new Fault(5007, `Item not valid: The specified ${what} was not found`);
    };
    const answer = (item: string, kind: number, parts: Array<[string, string]>): Answer => ({
      body: envelope(version, operation, `<${item} uuid="${uuid(0, kind)}">${picked(returned, parts)}</${item}>`),
      rows: 1,
    });
    switch (operation) {
      case 'getDateTimeGroup': {
        const group =
          snapshot.dateTimeGroups.find((candidate) => candidate.name === name) ?? notFound('Date/Time Group');
        const refs = group.phoneNtpReferences
          .map(
            (ref, index) =>
              `<selectedPhoneNtpReference>${element('phoneNtpName', ref)}${element('selectionOrder', String(index + 1))}</selectedPhoneNtpReference>`,
          )
          .join('');
        return answer('dateTimeGroup', 90, [
          ['name', element('name', group.name)],
          ['timeZone', element('timeZone', 'Etc/GMT')],
          ['separator', element('separator', '/')],
          ['dateformat', element('dateformat', 'M-D-Y')],
          ['timeFormat', element('timeFormat', '12-hour')],
          ['phoneNtpReferences', `<phoneNtpReferences>${refs}</phoneNtpReferences>`],
        ]);
      }
      case 'getRegion': {
        const region = snapshot.regions.find((candidate) => candidate.name === name) ?? notFound('Region');
        const related = region.relations
          .map(
            (relation) =>
              `<relatedRegion>${element('regionName', relation.region)}${element('bandwidth', '64 kbps')}${element('videoBandwidth', String(relation.videoKbps))}${element('lossyNetwork', 'Use System Default')}</relatedRegion>`,
          )
          .join('');
        return answer('region', 91, [
          ['name', element('name', region.name)],
          ['relatedRegions', `<relatedRegions>${related}</relatedRegions>`],
        ]);
      }
      case 'getCommonPhoneConfig': {
        const profile =
          snapshot.commonPhoneProfiles.find((candidate) => candidate.name === name) ?? notFound('Common Phone Profile');
        return answer('commonPhoneConfig', 92, [
          ['name', element('name', profile.name)],
          ['unlockPwd', element('unlockPwd', undefined)],
          ['vendorConfig', `<vendorConfig>${iceVendorConfig(profile.ice)}</vendorConfig>`],
        ]);
      }
      case 'getUserProfileProvision': {
        const profile = snapshot.userProfiles.find((candidate) => candidate.name === name) ?? notFound('User Profile');
        const limit = profile.limitProvision === undefined ? undefined : String(profile.limitProvision);
        return answer('userProfileProvision', 93, [
          ['name', element('name', profile.name)],
          ['description', element('description', undefined)],
          ['allowProvision', element('allowProvision', String(profile.allowProvision))],
          ['limitProvision', element('limitProvision', limit)],
          ['enableMra', element('enableMra', String(profile.enableMra))],
          ['mraPolicy_Desktop', element('mraPolicy_Desktop', profile.mraPolicyDesktop)],
          ['mraPolicy_Mobile', element('mraPolicy_Mobile', profile.mraPolicyMobile)],
        ]);
      }
      case 'getIlsConfig': {
        // GetIlsConfigReq requires returnedTags (type NewIlsConfig).
        if (returned === undefined) throw new Fault('', `${operation}: returnedTags is required`, 'soapenv:Client');
        const role = snapshot.ils.configured ? (snapshot.ils.role ?? 'Hub Cluster') : 'Stand Alone Cluster';
        return {
          body: envelope(
            version,
            operation,
            `<ilsConfig>${picked(returned, [
              ['role', element('role', role)],
              ['syncronizationStatus', element('syncronizationStatus', 'Up to date')],
            ])}</ilsConfig>`,
          ),
          rows: 1,
        };
      }
      default:
        throw new Fault('', `Operation ${operation} is not supported by this server`, 'soapenv:Client');
    }
  };

  const answer = (version: string, operation: string, request: AxlServerRequest, body: XmlNode): Answer => {
    const call = child(body, operation);
    if (operation === 'getCCMVersion')
      return {
        body: envelope(
          version,
          operation,
          `<componentVersion>${element('version', snapshot.version)}</componentVersion>`,
        ),
        rows: 1,
      };
    if (operation === 'executeSQLQuery') return sqlResponse(version, request.sql ?? '');
    if (lists[operation]) return listResponse(version, operation, request, call ?? '');
    return getResponse(version, operation, request);
  };

  const failureFor = (request: AxlServerRequest): AxlServerReply | undefined =>
    failures.find(
      (failure) =>
        failure.operation === request.operation &&
        (failure.sql === undefined || (request.sql !== undefined && failure.sql.test(request.sql))),
    )?.reply;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      if (res.destroyed) return;
      res.writeHead(status, {
        'content-type': 'text/xml; charset=utf-8',
        ...(status < 400 || status === 500
          ? { 'set-cookie': `JSESSIONIDSSO=${sessionId}; Path=/; Secure; HttpOnly` }
          : {}),
        ...headers,
      });
      stats.bytes += Buffer.byteLength(body);
      res.end(body);
      answered.get(res)?.();
    };
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    if (options.axlActivated === false || (path !== '/axl/' && path !== '/axl')) {
      send(404, '<html><body><h1>HTTP Status 404 - Not Found</h1></body></html>', { 'content-type': 'text/html' });
      return;
    }
    if (throttle && inFlight > throttle.maxRequestsInFlight) {
      req.resume();
      stats.unavailable++;
      send(503, '<html><body><h1>HTTP Status 503 - Service Unavailable</h1></body></html>', {
        'content-type': 'text/html',
      });
      return;
    }
    if (req.method !== 'POST') {
      send(405, '<html><body>HTTP method GET is not supported by this URL</body></html>', {
        'content-type': 'text/html',
      });
      return;
    }
    if (req.headers.authorization !== expectedAuth) {
      req.resume();
      send(401, '<html><body><h1>HTTP Status 401 - Unauthorized</h1></body></html>', {
        'content-type': 'text/html',
        'www-authenticate': REALM,
      });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        send(413, '');
        return;
      }
      chunks.push(chunk);
    }
    let body: Record<string, XmlNode | XmlNode[]>;
    try {
      body = parseSoapBody(Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      send(
        500,
        faultEnvelope('unknown', '', `Unable to parse the request: ${(error as Error).message}`, 'soapenv:Client'),
      );
      return;
    }
    const operation = Object.keys(body)[0] ?? '';
    const call = child(body, operation);
    const soapAction = typeof req.headers.soapaction === 'string' ? req.headers.soapaction : undefined;
    const count = (counts.get(operation) ?? 0) + 1;
    counts.set(operation, count);
    const number = (name: string): number | undefined => {
      const value = text(call, name);
      return value === undefined ? undefined : Number(value);
    };
    const request: AxlServerRequest = {
      operation,
      soapAction,
      count,
      session: (req.headers.cookie ?? '').includes(`JSESSIONIDSSO=${sessionId}`),
      ...(number('skip') !== undefined ? { skip: number('skip')! } : {}),
      ...(number('first') !== undefined ? { first: number('first')! } : {}),
      ...(child(call, 'returnedTags') !== undefined ? { returnedTags: elementNames(child(call, 'returnedTags')) } : {}),
      ...(text(call, 'sql') !== undefined ? { sql: text(call, 'sql')! } : {}),
      ...(text(call, 'name') !== undefined ? { name: text(call, 'name')! } : {}),
    };
    requests.push(request);

    // The SOAPAction version and the namespace version must name one supported schema.
    const version = /ver=([\d.]+)/.exec(soapAction ?? '')?.[1];
    if (!version || !versions.includes(version)) {
      send(
        500,
        faultEnvelope(
          operation,
          '',
          `Unsupported AXL version ${version ?? '(none)'}; this server offers ${versions.join(', ')}`,
          'soapenv:Client',
        ),
      );
      return;
    }

    const reply = failureFor(request) ?? options.intercept?.(request);
    if (reply && 'hang' in reply) return;
    if (reply && 'trickleMs' in reply) {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.write(ENVELOPE_START);
      const timer = setInterval(() => res.write(' '), reply.trickleMs);
      res.once('close', () => clearInterval(timer));
      return;
    }
    if (reply && 'delayMs' in reply) {
      if (await closedWithin(res, reply.delayMs)) return;
    } else if (reply && 'fault' in reply) {
      send(500, faultEnvelope(operation, reply.fault.axlcode, reply.fault.message, reply.fault.faultcode));
      return;
    } else if (reply && 'status' in reply) {
      send(reply.status, reply.body, reply.contentType ? { 'content-type': reply.contentType } : {});
      return;
    }
    let result: Answer;
    try {
      result = answer(version, operation, request, body);
    } catch (error) {
      if (error instanceof Fault) send(500, faultEnvelope(operation, error.axlcode, error.message, error.faultcode));
      else send(500, faultEnvelope(operation, -1, 'Internal error'));
      return;
    }
    if (reply && 'malformed' in reply) {
      // Cut inside an element, as a connection dropped by a proxy leaves it.
      send(200, result.body.slice(0, Math.max(ENVELOPE_START.length + 10, Math.floor(result.body.length / 2))));
      return;
    }
    if (!throttle) {
      send(200, result.body);
      return;
    }
    // CUCM builds the whole answer in memory before it sends it, and holds it until it is sent.
    const held = Buffer.byteLength(result.body);
    if (bytesInFlight + held > throttle.maxBytesInFlight) {
      stats.memoryFaults++;
      send(500, faultEnvelope(operation, THROTTLE_AXLCODE, 'Maximum AXL Memory Allocation Consumed'));
      return;
    }
    bytesInFlight += held;
    res.once('close', () => (bytesInFlight -= held));
    const delay = throttle.latencyMs + (result.rows * throttle.perRowMicros) / 1000;
    if (await closedWithin(res, delay)) return;
    send(200, result.body);
  };

  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    moveInFlight(1);
    stats.requests++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    stats.peakInFlight = Math.max(stats.peakInFlight, inFlight);
    // Counted out when the whole answer is handed to the socket (or the client went away): the
    // server's work is over then, and a kept-alive connection may carry the next request before
    // the socket reports the last bytes written.
    let counted = true;
    const done = (): void => {
      if (counted) moveInFlight(-1);
      counted = false;
    };
    answered.set(res, done);
    res.once('close', done);
    handle(req, res).catch(() => {
      if (!res.destroyed) res.destroy();
    });
  });
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
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    stats: () => ({ ...stats, inFlightMs: stats.inFlightMs.map(Math.round) }),
    resetStats() {
      stats = zero();
      since = inFlight > 0 ? performance.now() : undefined;
      requests.length = 0;
    },
    fail(failure) {
      failures.push(failure);
    },
    clearFailures() {
      failures.length = 0;
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
