import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CucmSnapshot, IceSettings } from '../src/cucm/snapshot.js';
import { ICE_VENDOR_ELEMENTS } from '../src/cucm/collect.js';
import { axlNamespace, child, children, escapeXml, parseSoapBody, text, type XmlNode } from '../src/probes/axl/xml.js';

/**
 * A local HTTPS server that answers AXL SOAP requests (schema 15.0 element names) from a
 * CucmSnapshot: the demo lab's CUCM publisher and the tests' peer. It pages list requests with
 * skip/first, refuses oversized responses with CUCM's "Query request too large" fault, checks
 * Basic auth, and lets a test inject 503s, faults, delays and raw bodies.
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
  | { trickleMs: number };

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
  intercept?: (request: AxlServerRequest) => AxlServerReply | undefined;
}

export interface AxlServer {
  url: string;
  port: number;
  /** Every request received, in order (tests assert paging and tags on it). */
  requests: AxlServerRequest[];
  /** Highest number of requests being answered at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

const REALM = 'Basic realm="Cisco AXL"';
const MAX_REQUEST_BYTES = 1024 * 1024;

type Row = Record<string, string | undefined>;

/** The rows each list request reads, as AXL names the fields. */
function tables(snapshot: CucmSnapshot): Record<string, { item: string; key: string; rows: () => Row[] }> {
  return {
    listPhone: {
      item: 'phone',
      key: 'name',
      rows: () =>
        snapshot.phones.map((phone) => ({
          name: phone.name,
          product: phone.model,
          protocol: phone.protocol,
          devicePoolName: phone.devicePool,
          securityProfileName: phone.securityProfile,
          commonPhoneConfigName: phone.commonPhoneProfile,
          ownerUserName: phone.owner,
        })),
    },
    listPhoneSecurityProfile: {
      item: 'phoneSecurityProfile',
      key: 'name',
      rows: () =>
        snapshot.securityProfiles.map((profile) => ({
          name: profile.name,
          phoneType: profile.phoneType,
          protocol: profile.protocol,
          deviceSecurityMode: profile.deviceSecurityMode,
          transportType: profile.transportType,
          tftpEncryptedConfig: String(profile.tftpEncryptedConfig),
        })),
    },
    listDevicePool: {
      item: 'devicePool',
      key: 'name',
      rows: () =>
        snapshot.devicePools.map((pool) => ({
          name: pool.name,
          dateTimeSettingName: pool.dateTimeGroup,
          regionName: pool.region,
        })),
    },
    listDateTimeGroup: {
      item: 'dateTimeGroup',
      key: 'name',
      rows: () => snapshot.dateTimeGroups.map((group) => ({ name: group.name, timeZone: 'Etc/GMT' })),
    },
    listRegion: { item: 'region', key: 'name', rows: () => snapshot.regions.map((region) => ({ name: region.name })) },
    listCommonPhoneConfig: {
      item: 'commonPhoneConfig',
      key: 'name',
      rows: () => snapshot.commonPhoneProfiles.map((profile) => ({ name: profile.name })),
    },
    listUserProfileProvision: {
      item: 'userProfileProvision',
      key: 'name',
      rows: () => snapshot.userProfiles.map((profile) => ({ name: profile.name })),
    },
    listUser: {
      item: 'user',
      key: 'userid',
      rows: () => snapshot.users.map((user) => ({ userid: user.userid, imAndPresenceEnable: String(user.jabber) })),
    },
  };
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

function envelope(version: string, operation: string, inner: string): string {
  return (
    `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">` +
    `<soapenv:Body><ns:${operation}Response xmlns:ns="${axlNamespace(version)}"><return>${inner}</return>` +
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
    `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
    `<soapenv:Fault><faultcode>${escapeXml(faultcode)}</faultcode><faultstring>${escapeXml(message)}</faultstring>` +
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

export async function startAxlServer(options: AxlServerOptions): Promise<AxlServer> {
  const versions = options.versions ?? ['12.5', '14.0', '15.0'];
  const maxBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  const snapshot = options.snapshot;
  const lists = tables(snapshot);
  const expectedAuth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const counts = new Map<string, number>();
  // One AXL session for the server's life, as CUCM keeps JSESSIONIDSSO for 30 idle minutes.
  const sessionId = Array.from({ length: 32 }, () => '0123456789ABCDEF'[Math.floor(Math.random() * 16)]).join('');
  const requests: AxlServerRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };

  const listResponse = (
    version: string,
    operation: string,
    request: AxlServerRequest,
    criteria: XmlNode | undefined,
  ): string => {
    const table = lists[operation]!;
    const match = likeMatcher(text(criteria, table.key));
    const all = table.rows().filter((row) => match(row[table.key]));
    const skip = request.skip ?? 0;
    const page = request.first !== undefined ? all.slice(skip, skip + request.first) : all.slice(skip);
    const tags =
      request.returnedTags && request.returnedTags.length > 0 ? request.returnedTags : Object.keys(all[0] ?? {});
    const kind = Object.keys(lists).indexOf(operation) + 1;
    const inner = page
      .map(
        (row, index) =>
          `<${table.item} uuid="${uuid(skip + index, kind)}">${tags.map((tag) => element(tag, row[tag])).join('')}</${table.item}>`,
      )
      .join('');
    return sized(version, operation, inner, page.length, all.length);
  };

  const sized = (version: string, operation: string, inner: string, rows: number, total: number): string => {
    const body = envelope(version, operation, inner);
    const size = Buffer.byteLength(body);
    if (size > maxBytes && rows > 1) {
      const suggested = Math.max(1, Math.floor((rows * maxBytes) / size));
      throw new Fault(
        -1,
        `Query request too large. Total rows matched: ${total} rows. Suggestive Row Fetch: less than ${suggested} rows`,
      );
    }
    return body;
  };

  const sqlResponse = (version: string, sql: string): string => {
    const paging = /^\s*select\s+skip\s+(\d+)\s+first\s+(\d+)\s+/i.exec(sql);
    const skip = paging ? Number(paging[1]) : 0;
    const first = paging ? Number(paging[2]) : Number.POSITIVE_INFINITY;
    let rows: Row[];
    if (/\bprocessnodeservice\b/i.test(sql)) {
      rows = snapshot.services.map((service) => ({
        node: service.node,
        service: service.name,
        activated: service.activated ? 't' : 'f',
      }));
    } else if (/\bucuserprofile\b/i.test(sql)) {
      rows = snapshot.users
        .filter((user) => user.userProfile)
        .map((user) => ({ userid: user.userid, userprofile: user.userProfile }));
    } else {
      throw new Fault(-201, 'A syntax error has occurred.');
    }
    const page = rows.slice(skip, skip + first);
    const inner = page
      .map(
        (row) =>
          `<row>${Object.entries(row)
            .map(([name, value]) => element(name, value))
            .join('')}</row>`,
      )
      .join('');
    return sized(version, 'executeSQLQuery', inner, page.length, rows.length);
  };

  const getResponse = (version: string, operation: string, name: string | undefined): string => {
    const notFound = (what: string): never => {
      throw new Fault(5007, `Item not valid: The specified ${what} was not found`);
    };
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
        return envelope(
          version,
          operation,
          `<dateTimeGroup uuid="${uuid(0, 90)}">${element('name', group.name)}${element('timeZone', 'Etc/GMT')}${element('separator', '/')}${element('dateformat', 'M-D-Y')}${element('timeFormat', '12-hour')}<phoneNtpReferences>${refs}</phoneNtpReferences></dateTimeGroup>`,
        );
      }
      case 'getRegion': {
        const region = snapshot.regions.find((candidate) => candidate.name === name) ?? notFound('Region');
        const related = region.relations
          .map(
            (relation) =>
              `<relatedRegion>${element('regionName', relation.region)}${element('bandwidth', '64 kbps')}${element('videoBandwidth', String(relation.videoKbps))}${element('lossyNetwork', 'Use System Default')}</relatedRegion>`,
          )
          .join('');
        return envelope(
          version,
          operation,
          `<region uuid="${uuid(0, 91)}">${element('name', region.name)}<relatedRegions>${related}</relatedRegions></region>`,
        );
      }
      case 'getCommonPhoneConfig': {
        const profile =
          snapshot.commonPhoneProfiles.find((candidate) => candidate.name === name) ?? notFound('Common Phone Profile');
        return envelope(
          version,
          operation,
          `<commonPhoneConfig uuid="${uuid(0, 92)}">${element('name', profile.name)}${element('unlockPwd', undefined)}<vendorConfig>${iceVendorConfig(profile.ice)}</vendorConfig></commonPhoneConfig>`,
        );
      }
      case 'getUserProfileProvision': {
        const profile = snapshot.userProfiles.find((candidate) => candidate.name === name) ?? notFound('User Profile');
        return envelope(
          version,
          operation,
          `<userProfileProvision uuid="${uuid(0, 93)}">${element('name', profile.name)}${element('description', undefined)}` +
            `${element('allowProvision', String(profile.allowProvision))}${element('limitProvision', profile.limitProvision === undefined ? undefined : String(profile.limitProvision))}` +
            `${element('enableMra', String(profile.enableMra))}${element('mraPolicy_Desktop', profile.mraPolicyDesktop)}${element('mraPolicy_Mobile', profile.mraPolicyMobile)}</userProfileProvision>`,
        );
      }
      default:
        throw new Fault('', `Operation ${operation} is not supported by this server`, 'soapenv:Client');
    }
  };

  const answer = (version: string, operation: string, request: AxlServerRequest, body: XmlNode): string => {
    const call = child(body, operation);
    if (operation === 'getCCMVersion')
      return envelope(
        version,
        operation,
        `<componentVersion>${element('version', snapshot.version)}</componentVersion>`,
      );
    if (operation === 'getIlsConfig') {
      const role = snapshot.ils.configured ? (snapshot.ils.role ?? 'Hub Cluster') : 'Stand Alone Cluster';
      return envelope(
        version,
        operation,
        `<ilsConfig>${element('role', role)}${element('synchronizeClustersEvery', '10')}</ilsConfig>`,
      );
    }
    if (operation === 'executeSQLQuery') return sqlResponse(version, request.sql ?? '');
    if (lists[operation]) return listResponse(version, operation, request, child(call, 'searchCriteria'));
    return getResponse(version, operation, request.name);
  };

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
      res.end(body);
    };
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    if (options.axlActivated === false || (path !== '/axl/' && path !== '/axl')) {
      send(404, '<html><body><h1>HTTP Status 404 - Not Found</h1></body></html>', { 'content-type': 'text/html' });
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
      ...(child(call, 'returnedTags') !== undefined
        ? { returnedTags: returnedTagNames(child(call, 'returnedTags')) }
        : {}),
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

    const reply = options.intercept?.(request);
    if (reply && 'trickleMs' in reply) {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.write(`<soapenv:Envelope xmlns:soapenv="${'http://schemas.xmlsoap.org/soap/envelope/'}"><soapenv:Body>`);
      const timer = setInterval(() => res.write(' '), reply.trickleMs);
      res.once('close', () => clearInterval(timer));
      return;
    }
    if (reply && 'delayMs' in reply) {
      const closed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), reply.delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (closed) return;
    } else if (reply && 'fault' in reply) {
      send(500, faultEnvelope(operation, reply.fault.axlcode, reply.fault.message, reply.fault.faultcode));
      return;
    } else if (reply) {
      send(reply.status, reply.body, reply.contentType ? { 'content-type': reply.contentType } : {});
      return;
    }
    try {
      send(200, answer(version, operation, request, body));
    } catch (error) {
      if (error instanceof Fault) send(500, faultEnvelope(operation, error.axlcode, error.message, error.faultcode));
      else send(500, faultEnvelope(operation, -1, 'Internal error'));
    }
  };

  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.once('close', () => inFlight--);
    handle(req, res).catch(() => {
      if (!res.destroyed) res.destroy();
    });
  });
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function returnedTagNames(node: XmlNode | undefined): string[] {
  if (node === undefined || typeof node === 'string') return [];
  return Object.keys(node).filter((name) => children(node, name).length > 0);
}
