import type { CucmSnapshot, IceSettings } from '../src/cucm/snapshot.js';
import { ICE_VENDOR_ELEMENTS } from '../src/cucm/collect.js';
import { axlNamespace, child, children, escapeXml, text, type XmlNode } from '../src/probes/axl/xml.js';
import { GET_RETURNED_TAGS, LIST_REQUESTS } from './axl-schema.js';

/**
 * The AXL answers of the lab server (lab/axl-server.ts) from a CucmSnapshot: list requests paged
 * with skip/first and validated against the AXL 15.0 list types, executeSQLQuery over the few
 * tables the collector reads, the get requests the collector makes, and CUCM's "Query request too
 * large" refusal of an answer over the response ceiling. Nothing here knows about HTTP.
 */

/** CUCM does not publish the axlcode of its throttling faults; the text is what clients match. */
export const THROTTLE_AXLCODE = -1;

/** The parts of a request an answer depends on (lab/axl-server.ts reads them from the envelope). */
export interface AnswerRequest {
  skip?: number;
  first?: number;
  returnedTags?: string[];
  sql?: string;
  name?: string;
}

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

export const ENVELOPE_START = `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>`;

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

export class Fault extends Error {
  constructor(
    readonly axlcode: string | number,
    message: string,
    readonly faultcode = 'soapenv:Server',
  ) {
    super(message);
  }
}

/** An answer ready to send: its body and how many rows it carries (the throttle's latency). */
export interface Answer {
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
export function elementNames(node: XmlNode | undefined): string[] {
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

/** The elements of a get answer, minus those returnedTags (when given) leaves out. */
const picked = (returned: string[] | undefined, parts: Array<[string, string]>): string =>
  parts
    .filter(([name]) => returned === undefined || returned.length === 0 || returned.includes(name))
    .map(([, xml]) => xml)
    .join('');

/** A get answer's item: its element, the uuid kind (none for ilsConfig) and its named parts. */
interface GetItem {
  item: string;
  kind?: number;
  parts: Array<[string, string]>;
}

const notFound = (what: string): never => {
  throw new Fault(5007, `Item not valid: The specified ${what} was not found`);
};

/** The get requests the collector makes, each answered from the snapshot by name. */
const GET_ITEMS: Record<string, (snapshot: CucmSnapshot, name: string | undefined) => GetItem> = {
  getDateTimeGroup(snapshot, name) {
    const group = snapshot.dateTimeGroups.find((candidate) => candidate.name === name) ?? notFound('Date/Time Group');
    const refs = group.phoneNtpReferences
      .map(
        (ref, index) =>
          `<selectedPhoneNtpReference>${element('phoneNtpName', ref)}${element('selectionOrder', String(index + 1))}</selectedPhoneNtpReference>`,
      )
      .join('');
    return {
      item: 'dateTimeGroup',
      kind: 90,
      parts: [
        ['name', element('name', group.name)],
        ['timeZone', element('timeZone', 'Etc/GMT')],
        ['separator', element('separator', '/')],
        ['dateformat', element('dateformat', 'M-D-Y')],
        ['timeFormat', element('timeFormat', '12-hour')],
        ['phoneNtpReferences', `<phoneNtpReferences>${refs}</phoneNtpReferences>`],
      ],
    };
  },
  getRegion(snapshot, name) {
    const region = snapshot.regions.find((candidate) => candidate.name === name) ?? notFound('Region');
    const related = region.relations
      .map(
        (relation) =>
          `<relatedRegion>${element('regionName', relation.region)}${element('bandwidth', '64 kbps')}${element('videoBandwidth', String(relation.videoKbps))}${element('lossyNetwork', 'Use System Default')}</relatedRegion>`,
      )
      .join('');
    return {
      item: 'region',
      kind: 91,
      parts: [
        ['name', element('name', region.name)],
        ['relatedRegions', `<relatedRegions>${related}</relatedRegions>`],
      ],
    };
  },
  getCommonPhoneConfig(snapshot, name) {
    const profile =
      snapshot.commonPhoneProfiles.find((candidate) => candidate.name === name) ?? notFound('Common Phone Profile');
    return {
      item: 'commonPhoneConfig',
      kind: 92,
      parts: [
        ['name', element('name', profile.name)],
        ['unlockPwd', element('unlockPwd', undefined)],
        ['vendorConfig', `<vendorConfig>${iceVendorConfig(profile.ice)}</vendorConfig>`],
      ],
    };
  },
  getUserProfileProvision(snapshot, name) {
    const profile = snapshot.userProfiles.find((candidate) => candidate.name === name) ?? notFound('User Profile');
    const limit = profile.limitProvision === undefined ? undefined : String(profile.limitProvision);
    return {
      item: 'userProfileProvision',
      kind: 93,
      parts: [
        ['name', element('name', profile.name)],
        ['description', element('description', undefined)],
        ['allowProvision', element('allowProvision', String(profile.allowProvision))],
        ['limitProvision', element('limitProvision', limit)],
        ['enableMra', element('enableMra', String(profile.enableMra))],
        ['mraPolicy_Desktop', element('mraPolicy_Desktop', profile.mraPolicyDesktop)],
        ['mraPolicy_Mobile', element('mraPolicy_Mobile', profile.mraPolicyMobile)],
      ],
    };
  },
  getIlsConfig(snapshot) {
    const role = snapshot.ils.configured ? (snapshot.ils.role ?? 'Hub Cluster') : 'Stand Alone Cluster';
    return {
      item: 'ilsConfig',
      parts: [
        ['role', element('role', role)],
        ['syncronizationStatus', element('syncronizationStatus', 'Up to date')],
      ],
    };
  },
};

/** Answers AXL requests from one snapshot; `onTooLarge` counts the answers refused for their size. */
export class AxlAnswers {
  private readonly lists: Record<string, Table>;
  private readonly sqlSources: Array<{ table: RegExp; rows: Row[] }>;
  /** Whole tables rendered once per returnedTags set (see list). */
  private readonly renderedRows = new Map<string, string[]>();

  constructor(
    private readonly snapshot: CucmSnapshot,
    private readonly maxBytes: number,
    private readonly onTooLarge: () => void,
  ) {
    this.lists = tables(snapshot);
    this.sqlSources = sqlTables(snapshot);
  }

  /** The answer to one request, or a thrown Fault (what CUCM answers with HTTP 500). */
  answer(version: string, operation: string, request: AnswerRequest, body: XmlNode): Answer {
    if (operation === 'getCCMVersion')
      return {
        body: envelope(
          version,
          operation,
          `<componentVersion>${element('version', this.snapshot.version)}</componentVersion>`,
        ),
        rows: 1,
      };
    if (operation === 'executeSQLQuery') return this.sql(version, request.sql ?? '');
    if (this.lists[operation]) return this.list(version, operation, request, child(body, operation) ?? '');
    return this.get(version, operation, request);
  }

  /** Refuses an answer over CUCM's response ceiling, as CUCM does, with a row count that fits. */
  private sized(body: string, rows: number, total: number): Answer {
    const size = Buffer.byteLength(body);
    if (size > this.maxBytes && rows > 1) {
      this.onTooLarge();
      const suggested = Math.max(1, Math.floor((rows * this.maxBytes) / size));
      throw new Fault(
        THROTTLE_AXLCODE,
        `Query request too large. Total rows matched: ${total} rows. Suggestive Row Fetch: less than ${suggested} rows`,
      );
    }
    return { body, rows };
  }

  private list(version: string, operation: string, request: AnswerRequest, call: XmlNode): Answer {
    const table = this.lists[operation]!;
    const returnedTags = validateList(operation, request, call);
    const pattern = text(child(call, 'searchCriteria'), table.key);
    const match = likeMatcher(pattern);
    const all =
      pattern === undefined || pattern === '%' ? table.rows : table.rows.filter((row) => match(row[table.key]));
    const skip = request.skip ?? 0;
    const page = request.first !== undefined ? all.slice(skip, skip + request.first) : all.slice(skip);
    const tags = returnedTags.length > 0 ? returnedTags : Object.keys(all[0] ?? {});
    const kind = Object.keys(this.lists).indexOf(operation) + 1;
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
      let rendered = this.renderedRows.get(key);
      if (!rendered) this.renderedRows.set(key, (rendered = table.rows.map(render)));
      parts = request.first !== undefined ? rendered.slice(skip, skip + request.first) : rendered.slice(skip);
    } else parts = page.map((row, index) => render(row, skip + index));
    return this.sized(envelope(version, operation, parts.join('')), page.length, all.length);
  }

  private sql(version: string, query: string): Answer {
    const paging = /^\s*select\s+skip\s+(\d+)\s+first\s+(\d+)\s+/i.exec(query);
    const skip = paging ? Number(paging[1]) : 0;
    const first = paging ? Number(paging[2]) : Number.POSITIVE_INFINITY;
    const source = this.sqlSources.find((candidate) => candidate.table.test(query));
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
    return this.sized(envelope(version, 'executeSQLQuery', inner), page.length, source.rows.length);
  }

  private get(version: string, operation: string, request: AnswerRequest): Answer {
    const schema = GET_RETURNED_TAGS[operation];
    const itemOf = GET_ITEMS[operation];
    if (!schema || !itemOf)
      throw new Fault('', `Operation ${operation} is not supported by this server`, 'soapenv:Client');
    for (const tag of request.returnedTags ?? [])
      if (!schema.returnedTags.has(tag)) throw invalidElement(`${operation} returnedTags`, tag, schema.type);
    // GetIlsConfigReq requires returnedTags (type NewIlsConfig).
    if (operation === 'getIlsConfig' && request.returnedTags === undefined)
      throw new Fault('', `${operation}: returnedTags is required`, 'soapenv:Client');
    const { item, kind, parts } = itemOf(this.snapshot, request.name);
    const id = kind === undefined ? '' : ` uuid="${uuid(0, kind)}"`;
    return {
      body: envelope(version, operation, `<${item}${id}>${picked(request.returnedTags, parts)}</${item}>`),
      rows: 1,
    };
  }
}

/** A list request as CUCM validates it: searchCriteria and returnedTags of the list type only. */
function validateList(operation: string, request: AnswerRequest, call: XmlNode): string[] {
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
  return request.returnedTags;
}
