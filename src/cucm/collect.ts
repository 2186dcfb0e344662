import {
  SNAPSHOT_SECTIONS,
  type ClusterSecurity,
  type CommonPhoneProfile,
  type CucmSnapshot,
  type DateTimeGroup,
  type DevicePool,
  type EndUser,
  type IceSettings,
  type Phone,
  type Region,
  type SecurityProfile,
  type ServiceState,
  type SnapshotSection,
  type UserProfile,
} from './snapshot.js';
import type { AxlClient } from '../probes/axl/client.js';
import { AxlError, type AxlFailureKind } from '../probes/axl/errors.js';
import { fetchAllPages, type PagingOptions, type PendingPage } from '../probes/axl/paging.js';
import { PageReadError, readPage, warmRowThread, type PageRows } from '../probes/axl/rows.js';
import { child, children, escapeXml, text, XmlShapeError, type RowScan, type XmlNode } from '../probes/axl/xml.js';

/**
 * What `collect` asks AXL for, and nothing more: `returnedTags` name only the fields the snapshot
 * keeps, each one an element of the AXL 15.0 list type (LPhone, LUser, ...), since CUCM validates
 * the request against its schema and refuses any other.
 */
export const PHONE_TAGS = [
  'name',
  'product',
  'protocol',
  'devicePoolName',
  'securityProfileName',
  'commonPhoneConfigName',
  'ownerUserName',
] as const;
export const SECURITY_PROFILE_TAGS = [
  'name',
  'phoneType',
  'protocol',
  'deviceSecurityMode',
  'transportType',
  'tftpEncryptedConfig',
] as const;
/** LPhoneSecurityProfile has it from AXL 12.5 (SIP OAuth); an older schema refuses the request. */
export const OAUTH_TAG = 'EnableOAuthAuthentication';
export const DEVICE_POOL_TAGS = ['name', 'dateTimeSettingName', 'regionName'] as const;
export const USER_TAGS = ['userid', 'imAndPresenceEnable'] as const;
export const SERVICE_TAGS = ['processNodeName', 'service', 'enable'] as const;
/** LUserProfileProvision carries the self-provisioning fields; the MRA ones are get-only. */
export const USER_PROFILE_LIST_TAGS = ['name', 'allowProvision', 'limitProvision'] as const;
export const USER_PROFILE_GET_TAGS = ['enableMra', 'mraPolicy_Desktop', 'mraPolicy_Mobile'] as const;

/**
 * ICE lives in the Common Phone Profile's product-specific configuration (vendorConfig) since
 * CUCM 12.5; these are the element names this collector reads and the lab server writes.
 */
export const ICE_VENDOR_ELEMENTS = {
  enabled: 'ice',
  defaultCandidateType: 'iceDefaultCandidateType',
  serverReflexiveAddress: 'iceServerReflexiveAddress',
  primaryTurnServer: 'icePrimaryTurnServer',
  secondaryTurnServer: 'iceSecondaryTurnServer',
  turnTransportType: 'iceTurnServerTransportType',
  turnUsername: 'iceTurnServerUsername',
  turnPassword: 'iceTurnServerPassword',
} as const;

/**
 * A user's User Profile: listUser has no returnedTag for it (LUser lacks it; it is getUser-only),
 * so one query reads them all instead of one getUser per user.
 */
export const USER_PROFILE_SQL =
  'select e.userid as userid, p.name as userprofile from enduser e, ucuserprofile p where e.fkucuserprofile = p.pkid order by e.userid';
/**
 * Cluster Security Mode and SIP OAuth mode are enterprise parameters kept in processconfig; Cisco's
 * TechNotes read them with exactly this query (see the README, MRA-CUCM-013).
 */
export const CLUSTER_SECURITY_SQL =
  "select paramname, paramvalue from processconfig where paramname in ('ClusterSecurityMode', 'ClusterSIPOAuthMode') order by paramname";

/**
 * The AXL requests behind each section, for people reading a failure and for tests that make each
 * one fail in turn. A section is available only when all of its requests succeed.
 */
export const SECTION_REQUESTS: Readonly<Record<SnapshotSection, ReadonlyArray<{ operation: string; sql?: RegExp }>>> = {
  services: [{ operation: 'listProcessNodeService' }],
  phones: [{ operation: 'listPhone' }],
  securityProfiles: [{ operation: 'listPhoneSecurityProfile' }],
  devicePools: [{ operation: 'listDevicePool' }],
  dateTimeGroups: [{ operation: 'listDateTimeGroup' }, { operation: 'getDateTimeGroup' }],
  regions: [{ operation: 'listRegion' }, { operation: 'getRegion' }],
  commonPhoneProfiles: [{ operation: 'listCommonPhoneConfig' }, { operation: 'getCommonPhoneConfig' }],
  userProfiles: [{ operation: 'listUserProfileProvision' }, { operation: 'getUserProfileProvision' }],
  users: [{ operation: 'listUser' }, { operation: 'executeSQLQuery', sql: /\bucuserprofile\b/ }],
  ils: [{ operation: 'getIlsConfig' }],
  clusterSecurity: [{ operation: 'executeSQLQuery', sql: /\bprocessconfig\b/ }],
};

/**
 * Rows per page to start with: a phone row is about 330 bytes, so 10,000 stay near 3 MB, and two
 * pages in flight far below the 16 MB CUCM holds for all AXL answers at once.
 */
export const DEFAULT_PAGE_ROWS = 10_000;

export interface CollectOptions {
  /** The sections to read (default: all); the others are not requested and are listed in notCollected. */
  sections?: ReadonlySet<SnapshotSection>;
  /** Rows per list page to start with (shrunk when CUCM says a page is too large). */
  pageSize?: number;
  onProgress?: (event: { section: SnapshotSection; rows: number }) => void;
  onRepage?: PagingOptions['onRepage'];
}

/**
 * Failures after which no AXL request can succeed: the run stops at once with one reason
 * (SPEC 8.2, "nothing could be read"). A fault, a malformed answer or a 403 on one operation
 * belongs to that operation only.
 */
const NOTHING_READABLE: ReadonlySet<AxlFailureKind> = new Set([
  'config',
  'unauthorized',
  'not-activated',
  'unavailable',
  'timeout',
  'refused',
  'tls',
  'network',
  'http',
]);

/** AXL writes true/false, SQL t/f, vendorConfig Enabled/Disabled. */
const bool = (value: string | undefined): boolean =>
  value === 'true' || (value !== undefined && value !== 'false' && /^(t|true|1|enabled|yes)$/i.test(value.trim()));

/** CUCM's version as getCCMVersion reports it; this is also the authenticated liveness check. */
export async function getCcmVersion(
  client: AxlClient,
): Promise<{ version: string; status: number; durationMs: number }> {
  const response = await client.call('getCCMVersion', '<processNodeName></processNodeName>');
  const version = text(child(child(response.body, 'return'), 'componentVersion'), 'version');
  if (!version)
    throw client.fail(
      'malformed',
      `AXL getCCMVersion at ${client.url}: the answer has no return/componentVersion/version`,
      { operation: 'getCCMVersion' },
    );
  return { version, status: response.status, durationMs: response.durationMs };
}

/** Whether the AXL schema version (e.g. "15.0") is at least major.minor. */
function schemaAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * One list or SQL page: its rows counted as soon as its bytes are in (all paging needs to send
 * the next request), then read (off the main thread where it can, see rows.ts).
 */
async function fetchRows<T>(client: AxlClient, inner: string, scan: RowScan<T>): Promise<PendingPage<T>> {
  const body = await client.fetchPage(scan.operation, inner);
  let page: PageRows<T>;
  // A page that went to the reading thread comes back with the error that it could not be read.
  const failure = (error: unknown): AxlError => {
    if (error instanceof PageReadError) return client.pageFailure(scan.operation, error.body, error);
    if (error instanceof XmlShapeError || error instanceof AxlError)
      return client.pageFailure(scan.operation, body, error);
    // The reading thread itself failed (out of memory, stopped): the page was not judged.
    const reason = error instanceof Error ? error.message : String(error);
    return client.fail('malformed', `AXL ${scan.operation} at ${client.url}: the page could not be read (${reason})`, {
      operation: scan.operation,
    });
  };
  try {
    page = readPage(body, scan);
  } catch (error) {
    throw failure(error);
  }
  const rows = page.rows.catch((error: unknown) => {
    throw failure(error);
  });
  return { count: page.count, rows };
}

/**
 * A typed list request (`listPhone`, ...), paged with skip/first. Each page is read with the row
 * scanner (only `fields` of each row, no document tree) into `map`'s form, and its text dropped.
 */
export async function listAll<T>(
  client: AxlClient,
  entity: string,
  fields: readonly string[],
  map: (values: ReadonlyArray<string | undefined>) => T,
  options: { searchCriteria?: Record<string, string>; pageSize?: number; onRepage?: PagingOptions['onRepage'] } = {},
): Promise<T[]> {
  const operation = `list${entity[0]!.toUpperCase()}${entity.slice(1)}`;
  const criteria = Object.entries(options.searchCriteria ?? { name: '%' })
    .map(([key, value]) => `<${key}>${escapeXml(value)}</${key}>`)
    .join('');
  const tags = fields.map((tag) => `<${tag}/>`).join('');
  return fetchAllPages(
    (skip, first) =>
      fetchRows(
        client,
        `<searchCriteria>${criteria}</searchCriteria><returnedTags>${tags}</returnedTags><skip>${skip}</skip><first>${first}</first>`,
        { operation, item: entity, fields, map },
      ),
    {
      pageSize: options.pageSize ?? DEFAULT_PAGE_ROWS,
      label: `AXL ${operation} at ${client.url}`,
      ...(options.onRepage ? { onRepage: options.onRepage } : {}),
    },
  );
}

/** executeSQLQuery, paged with Informix `SELECT SKIP n FIRST m`; `columns` are read from each row. */
export async function sqlAll<T>(
  client: AxlClient,
  sql: string,
  columns: readonly string[],
  map: (values: ReadonlyArray<string | undefined>) => T,
  options: { pageSize?: number; onRepage?: PagingOptions['onRepage'] } = {},
): Promise<T[]> {
  const body = sql.replace(/^\s*select\s+/i, '');
  return fetchAllPages(
    (skip, first) =>
      fetchRows(client, `<sql>${escapeXml(`select skip ${skip} first ${first} ${body}`)}</sql>`, {
        operation: 'executeSQLQuery',
        item: 'row',
        fields: columns,
        map,
      }),
    {
      pageSize: options.pageSize ?? DEFAULT_PAGE_ROWS,
      label: `AXL executeSQLQuery at ${client.url}`,
      ...(options.onRepage ? { onRepage: options.onRepage } : {}),
    },
  );
}

async function getOne(
  client: AxlClient,
  entity: string,
  name: string,
  returnedTags?: readonly string[],
): Promise<XmlNode | undefined> {
  const operation = `get${entity[0]!.toUpperCase()}${entity.slice(1)}`;
  const tags = returnedTags ? `<returnedTags>${returnedTags.map((tag) => `<${tag}/>`).join('')}</returnedTags>` : '';
  const response = await client.call(operation, `<name>${escapeXml(name)}</name>${tags}`);
  return child(child(response.body, 'return'), entity);
}

function iceFrom(vendorConfig: XmlNode | undefined): IceSettings | undefined {
  const e = ICE_VENDOR_ELEMENTS;
  const enabled = text(vendorConfig, e.enabled);
  if (enabled === undefined) return undefined;
  const optional = (key: keyof IceSettings, value: string | undefined): Partial<IceSettings> =>
    value === undefined ? {} : { [key]: value };
  const reflexive = text(vendorConfig, e.serverReflexiveAddress);
  const password = text(vendorConfig, e.turnPassword);
  return {
    enabled: bool(enabled),
    ...optional('defaultCandidateType', text(vendorConfig, e.defaultCandidateType)),
    ...(reflexive === undefined ? {} : { serverReflexiveAddress: bool(reflexive) }),
    ...optional('primaryTurnServer', text(vendorConfig, e.primaryTurnServer)),
    ...optional('secondaryTurnServer', text(vendorConfig, e.secondaryTurnServer)),
    ...optional('turnTransportType', text(vendorConfig, e.turnTransportType)),
    ...optional('turnUsername', text(vendorConfig, e.turnUsername)),
    // Only whether it is set: a TURN password never enters a snapshot.
    turnPasswordSet: password !== undefined,
  };
}

type SectionReaders = { [S in SnapshotSection]: () => Promise<CucmSnapshot[S]> };

/**
 * One reader per section (SPEC 6, 8.8), and what they share (paging, the malformed-row failure).
 * Each issues its own requests and fails on its own; none waits for another, so all the sections'
 * requests share the client's two places in flight.
 */
class SectionReader implements SectionReaders {
  private readonly paging: { onRepage?: CollectOptions['onRepage'] };
  private readonly size: { pageSize?: number };

  constructor(
    private readonly client: AxlClient,
    options: CollectOptions,
  ) {
    this.paging = { ...(options.onRepage ? { onRepage: options.onRepage } : {}) };
    this.size = options.pageSize ? { pageSize: options.pageSize } : {};
  }

  private required(value: string | undefined, section: string, field: string): string {
    if (value === undefined)
      throw this.client.fail('malformed', `AXL at ${this.client.url}: a ${section} row has no ${field}`);
    return value;
  }

  private names(entity: string, section: string): Promise<string[]> {
    return listAll(this.client, entity, ['name'], ([name]) => this.required(name, section, 'name'), {
      ...this.paging,
      ...this.size,
    });
  }

  async services(): Promise<ServiceState[]> {
    const rows = await listAll(
      this.client,
      'processNodeService',
      SERVICE_TAGS,
      ([node, service, enable]) => ({
        node: this.required(node, 'service', 'processNodeName'),
        name: this.required(service, 'service', 'service'),
        activated: bool(enable),
      }),
      { ...this.paging, ...this.size, searchCriteria: { processNodeName: '%' } },
    );
    // EnterpriseWideData is the pseudo-node of enterprise parameters, not a server.
    return rows.filter((row) => row.node !== 'EnterpriseWideData');
  }

  phones(): Promise<Phone[]> {
    return listAll(
      this.client,
      'phone',
      PHONE_TAGS,
      ([name, product, protocol, pool, profile, cpp, owner]): Phone => {
        // 100,000 of these: assignments, not object spreads.
        const phone: Phone = {
          name: this.required(name, 'phone', 'name'),
          model: product ?? '',
          protocol: protocol ?? '',
          devicePool: pool ?? '',
          securityProfile: profile ?? '',
        };
        if (cpp) phone.commonPhoneProfile = cpp;
        if (owner) phone.owner = owner;
        return phone;
      },
      { ...this.paging, ...this.size },
    );
  }

  securityProfiles(): Promise<SecurityProfile[]> {
    const oauth = schemaAtLeast(this.client.version, 12, 5);
    return listAll(
      this.client,
      'phoneSecurityProfile',
      oauth ? [...SECURITY_PROFILE_TAGS, OAUTH_TAG] : SECURITY_PROFILE_TAGS,
      ([name, phoneType, protocol, mode, transport, tftp, enableOAuth]): SecurityProfile => ({
        name: this.required(name, 'phone security profile', 'name'),
        phoneType: phoneType ?? '',
        protocol: protocol ?? '',
        deviceSecurityMode: mode ?? '',
        transportType: transport ?? '',
        tftpEncryptedConfig: bool(tftp),
        ...(oauth && enableOAuth !== undefined ? { enableOAuthAuthentication: bool(enableOAuth) } : {}),
      }),
      { ...this.paging, ...this.size },
    );
  }

  devicePools(): Promise<DevicePool[]> {
    return listAll(
      this.client,
      'devicePool',
      DEVICE_POOL_TAGS,
      ([name, dateTimeGroup, region]): DevicePool => ({
        name: this.required(name, 'device pool', 'name'),
        ...(dateTimeGroup ? { dateTimeGroup } : {}),
        ...(region ? { region } : {}),
      }),
      { ...this.paging, ...this.size },
    );
  }

  // The details below are get-only (no list type carries them): one get per item.
  async dateTimeGroups(): Promise<DateTimeGroup[]> {
    return Promise.all(
      (await this.names('dateTimeGroup', 'date/time group')).map(async (name) => {
        const group = await getOne(this.client, 'dateTimeGroup', name);
        const references = children(child(group, 'phoneNtpReferences'), 'selectedPhoneNtpReference')
          .map((reference) => ({
            name: text(reference, 'phoneNtpName'),
            order: Number(text(reference, 'selectionOrder') ?? 0),
          }))
          .filter((reference): reference is { name: string; order: number } => reference.name !== undefined)
          .sort((a, b) => a.order - b.order);
        return { name, phoneNtpReferences: references.map((reference) => reference.name) };
      }),
    );
  }

  async regions(): Promise<Region[]> {
    return Promise.all(
      (await this.names('region', 'region')).map(async (name) => {
        const region = await getOne(this.client, 'region', name);
        const relations = children(child(region, 'relatedRegions'), 'relatedRegion').flatMap((relation) => {
          const other = text(relation, 'regionName');
          const kbps = Number.parseInt(text(relation, 'videoBandwidth') ?? '', 10);
          return other !== undefined && Number.isFinite(kbps) ? [{ region: other, videoKbps: kbps }] : [];
        });
        return { name, relations };
      }),
    );
  }

  async commonPhoneProfiles(): Promise<CommonPhoneProfile[]> {
    return Promise.all(
      (await this.names('commonPhoneConfig', 'common phone profile')).map(async (name) => {
        const profile = await getOne(this.client, 'commonPhoneConfig', name);
        const ice = iceFrom(child(profile, 'vendorConfig'));
        return { name, ...(ice ? { ice } : {}) };
      }),
    );
  }

  async userProfiles(): Promise<UserProfile[]> {
    const listed = await listAll(
      this.client,
      'userProfileProvision',
      USER_PROFILE_LIST_TAGS,
      ([name, allowProvision, limitProvision]) => ({
        name: this.required(name, 'user profile', 'name'),
        allowProvision: bool(allowProvision),
        limit: Number.parseInt(limitProvision ?? '', 10),
      }),
      { ...this.paging, ...this.size },
    );
    return Promise.all(
      listed.map(async ({ name, allowProvision, limit }) => {
        const profile = await getOne(this.client, 'userProfileProvision', name, USER_PROFILE_GET_TAGS);
        return {
          name,
          enableMra: bool(text(profile, 'enableMra')),
          mraPolicyDesktop: text(profile, 'mraPolicy_Desktop') ?? '',
          mraPolicyMobile: text(profile, 'mraPolicy_Mobile') ?? '',
          allowProvision,
          ...(Number.isFinite(limit) ? { limitProvision: limit } : {}),
        };
      }),
    );
  }

  async users(): Promise<EndUser[]> {
    const [rows, profiles] = await Promise.all([
      listAll(
        this.client,
        'user',
        USER_TAGS,
        ([userid, imp]) => ({ userid: this.required(userid, 'user', 'userid'), imp: bool(imp) }),
        { ...this.paging, ...this.size, searchCriteria: { userid: '%' } },
      ),
      sqlAll(
        this.client,
        USER_PROFILE_SQL,
        ['userid', 'userprofile'],
        ([userid, profile]) => [userid, profile],
        this.paging,
      ),
    ]);
    const profileOf = new Map<string, string>();
    for (const [userid, profile] of profiles)
      if (userid !== undefined && profile !== undefined) profileOf.set(userid, profile);
    // `jabber` carries AXL's imAndPresenceEnable; owners of CSF/BOT/TCT/TAB devices are found by
    // the rules from the phones section, so the snapshot states what CUCM says and nothing derived.
    return rows.map(({ userid, imp }) => {
      const userProfile = profileOf.get(userid);
      return userProfile ? { userid, userProfile, jabber: imp } : { userid, jabber: imp };
    });
  }

  // ILS role: "Stand Alone Cluster" means no ILS; hub or spoke means it is configured.
  async ils(): Promise<CucmSnapshot['ils']> {
    const response = await this.client.call('getIlsConfig', '<returnedTags><role/></returnedTags>');
    const role = text(child(child(response.body, 'return'), 'ilsConfig'), 'role');
    if (role === undefined || /stand\s*alone/i.test(role)) return { configured: false };
    return { configured: true, role };
  }

  async clusterSecurity(): Promise<ClusterSecurity> {
    const rows = await sqlAll(this.client, CLUSTER_SECURITY_SQL, ['paramname', 'paramvalue'], ([name, value]) => [
      name,
      value,
    ]);
    const value = (param: string): string | undefined => rows.find(([name]) => name === param)?.[1]?.trim();
    const decode = <T extends string>(param: string, off: T, on: T): T | undefined => {
      const raw = value(param);
      if (raw === undefined) return undefined;
      if (raw === '0') return off;
      if (raw === '1') return on;
      throw this.client.fail('malformed', `AXL at ${this.client.url}: processconfig ${param} is "${raw}", not 0 or 1`);
    };
    const mode = decode('ClusterSecurityMode', 'non-secure', 'mixed');
    const oauth = decode('ClusterSIPOAuthMode', 'disabled', 'enabled');
    return { ...(mode ? { clusterSecurityMode: mode } : {}), ...(oauth ? { sipOAuthMode: oauth } : {}) };
  }
}

/** The reason a section is unavailable, as SPEC 8.2 wants it: fault code and text, 403, timeout... */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the cluster into the normalized snapshot (SPEC 6), each section on its own (SPEC 8.2): a
 * section whose requests fail is recorded in `unavailable` with the reason and the others are
 * kept. Sections not asked for are not requested and are listed in `notCollected`.
 *
 * All requests of all sections go through the client's one queue of two places in flight, so two
 * requests are on the wire for as long as any section has one to make, whatever section it is.
 *
 * Throws only when nothing can be read: getCCMVersion fails for a reason no request can get past
 * (401, TLS verification, unreachable, AXL not activated, timeout), or every asked section failed.
 */
export async function collectSnapshot(client: AxlClient, options: CollectOptions = {}): Promise<CucmSnapshot> {
  const asked = options.sections ?? new Set<SnapshotSection>(SNAPSHOT_SECTIONS);
  const readers: SectionReaders = new SectionReader(client, options);
  const collected: Partial<CucmSnapshot> = {};
  const unavailable: Partial<Record<SnapshotSection, string>> = {};
  const failures: AxlError[] = [];
  let fatal: AxlError | undefined;

  const version = getCcmVersion(client).then(
    (answer) => answer.version,
    (error: unknown) => {
      if (error instanceof AxlError && NOTHING_READABLE.has(error.kind)) {
        fatal = error;
        client.stop(error);
      } else failures.push(error instanceof AxlError ? error : client.fail('malformed', reasonOf(error)));
      return 'unknown';
    },
  );
  // The reading thread starts while the first requests are on the wire, not when the first page is in.
  if (asked.has('phones') || asked.has('users')) warmRowThread();
  // Big lists first: their pages are most of the work, and small sections fill the gaps between them.
  const order: SnapshotSection[] = [
    'phones',
    'users',
    ...SNAPSHOT_SECTIONS.filter((s) => s !== 'phones' && s !== 'users'),
  ];
  const sections = order.filter((section) => asked.has(section));
  await Promise.all([
    version,
    ...sections.map(async (section) => {
      try {
        const value = await readers[section]();
        (collected as Record<SnapshotSection, unknown>)[section] = value;
        options.onProgress?.({ section, rows: Array.isArray(value) ? value.length : 1 });
      } catch (error) {
        if (error instanceof AxlError) failures.push(error);
        unavailable[section] = reasonOf(error);
      }
    }),
  ]);
  if (fatal) throw fatal;
  if (sections.length > 0 && Object.keys(unavailable).length === sections.length) {
    throw (
      failures.find((failure) => failure.details.operation !== 'getCCMVersion') ??
      client.fail('malformed', `AXL at ${client.url}: no section could be read (${Object.values(unavailable)[0]})`)
    );
  }

  const notCollected = SNAPSHOT_SECTIONS.filter((section) => !asked.has(section));
  return {
    version: await version,
    source: `axl ${client.url}`,
    collectedAt: new Date().toISOString(),
    services: collected.services ?? [],
    phones: collected.phones ?? [],
    securityProfiles: collected.securityProfiles ?? [],
    devicePools: collected.devicePools ?? [],
    dateTimeGroups: collected.dateTimeGroups ?? [],
    regions: collected.regions ?? [],
    commonPhoneProfiles: collected.commonPhoneProfiles ?? [],
    userProfiles: collected.userProfiles ?? [],
    users: collected.users ?? [],
    ils: collected.ils ?? { configured: false },
    clusterSecurity: collected.clusterSecurity ?? {},
    ...(Object.keys(unavailable).length > 0 ? { unavailable } : {}),
    ...(notCollected.length > 0 ? { notCollected } : {}),
  };
}
