import type {
  CommonPhoneProfile,
  CucmSnapshot,
  DateTimeGroup,
  DevicePool,
  EndUser,
  IceSettings,
  Phone,
  Region,
  SecurityProfile,
  ServiceState,
  UserProfile,
} from './snapshot.js';
import type { AxlClient } from '../probes/axl/client.js';
import { fetchAllPages, type PagingOptions } from '../probes/axl/paging.js';
import { child, children, escapeXml, text, type XmlNode } from '../probes/axl/xml.js';

/**
 * What `collect` asks AXL for, and nothing more: `returnedTags` name only the fields the snapshot
 * keeps, so a 50,000-phone page stays far below CUCM's 8 MB response ceiling.
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
export const DEVICE_POOL_TAGS = ['name', 'dateTimeSettingName', 'regionName'] as const;
export const USER_TAGS = ['userid', 'imAndPresenceEnable'] as const;

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

/** The publisher's service list; no typed AXL request reports service activation. */
export const SERVICES_SQL =
  "select pn.name as node, ts.name as service, pns.enable as activated from processnodeservice pns, processnode pn, typeservice ts where pns.fkprocessnode = pn.pkid and pns.tkservice = ts.enum and pn.name != 'EnterpriseWideData' order by pn.name, ts.name";
/** A user's User Profile: listUser has no returnedTag for it (it is getUser-only). */
export const USER_PROFILE_SQL =
  'select e.userid as userid, p.name as userprofile from enduser e, ucuserprofile p where e.fkucuserprofile = p.pkid order by e.userid';

export interface CollectOptions {
  /** Rows per list page to start with (shrunk when CUCM says a page is too large). */
  pageSize?: number;
  onProgress?: (event: { section: string; rows: number }) => void;
  onRepage?: PagingOptions['onRepage'];
}

const bool = (value: string | undefined): boolean =>
  value !== undefined && /^(t|true|1|enabled|yes)$/i.test(value.trim());

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

/**
 * A typed list request (`listPhone`, ...), paged with skip/first. `map` turns each row into its
 * snapshot form as its page arrives, so a page's parsed XML is dropped before the next is read.
 */
export async function listAll<T = XmlNode>(
  client: AxlClient,
  entity: string,
  returnedTags: readonly string[],
  options: {
    searchCriteria?: Record<string, string>;
    pageSize?: number;
    onRepage?: PagingOptions['onRepage'];
    map?: (row: XmlNode) => T;
  } = {},
): Promise<T[]> {
  const map = options.map ?? ((row: XmlNode) => row as unknown as T);
  const operation = `list${entity[0]!.toUpperCase()}${entity.slice(1)}`;
  const criteria = Object.entries(options.searchCriteria ?? { name: '%' })
    .map(([key, value]) => `<${key}>${escapeXml(value)}</${key}>`)
    .join('');
  const tags = returnedTags.map((tag) => `<${tag}/>`).join('');
  return fetchAllPages(
    async (skip, first) => {
      const response = await client.call(
        operation,
        `<searchCriteria>${criteria}</searchCriteria><returnedTags>${tags}</returnedTags><skip>${skip}</skip><first>${first}</first>`,
      );
      return children(child(response.body, 'return'), entity).map(map);
    },
    {
      pageSize: options.pageSize ?? 2000,
      label: `AXL ${operation} at ${client.url}`,
      ...(options.onRepage ? { onRepage: options.onRepage } : {}),
    },
  );
}

/** executeSQLQuery, paged with Informix `SELECT SKIP n FIRST m`. */
export async function sqlAll(
  client: AxlClient,
  sql: string,
  options: { pageSize?: number; onRepage?: PagingOptions['onRepage'] } = {},
): Promise<XmlNode[]> {
  const body = sql.replace(/^\s*select\s+/i, '');
  return fetchAllPages(
    async (skip, first) => {
      const response = await client.call(
        'executeSQLQuery',
        `<sql>${escapeXml(`select skip ${skip} first ${first} ${body}`)}</sql>`,
      );
      return children(child(response.body, 'return'), 'row');
    },
    {
      pageSize: options.pageSize ?? 5000,
      label: `AXL executeSQLQuery at ${client.url}`,
      ...(options.onRepage ? { onRepage: options.onRepage } : {}),
    },
  );
}

async function getOne(client: AxlClient, entity: string, name: string): Promise<XmlNode | undefined> {
  const operation = `get${entity[0]!.toUpperCase()}${entity.slice(1)}`;
  const response = await client.call(operation, `<name>${escapeXml(name)}</name>`);
  return child(child(response.body, 'return'), entity);
}

function requireName(node: XmlNode, field: string, section: string, client: AxlClient): string {
  const value = text(node, field);
  if (value === undefined) throw client.fail('malformed', `AXL at ${client.url}: a ${section} row has no ${field}`);
  return value;
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

/**
 * Reads the cluster into the normalized snapshot (SPEC section 6). Lists are paged; the few
 * per-item details that no list returns (NTP references, region relations, ICE, MRA policies)
 * come from get requests, at most two in flight (the client's ceiling).
 */
export async function collectSnapshot(client: AxlClient, options: CollectOptions = {}): Promise<CucmSnapshot> {
  const progress = (section: string, rows: number): void => options.onProgress?.({ section, rows });
  const paging = { ...(options.onRepage ? { onRepage: options.onRepage } : {}) };
  const pageSize = options.pageSize;

  const { version } = await getCcmVersion(client);

  const serviceRows = await sqlAll(client, SERVICES_SQL, paging);
  const services: ServiceState[] = serviceRows.map((row) => ({
    node: requireName(row, 'node', 'service', client),
    name: requireName(row, 'service', 'service', client),
    activated: bool(text(row, 'activated')),
  }));
  progress('services', services.length);

  const phones: Phone[] = await listAll(client, 'phone', PHONE_TAGS, {
    ...paging,
    pageSize: pageSize ?? 4000,
    map: (row): Phone => {
      const commonPhoneProfile = text(row, 'commonPhoneConfigName');
      const owner = text(row, 'ownerUserName');
      return {
        name: requireName(row, 'name', 'phone', client),
        model: text(row, 'product') ?? '',
        protocol: text(row, 'protocol') ?? '',
        devicePool: text(row, 'devicePoolName') ?? '',
        securityProfile: text(row, 'securityProfileName') ?? '',
        ...(commonPhoneProfile ? { commonPhoneProfile } : {}),
        ...(owner ? { owner } : {}),
      };
    },
  });
  progress('phones', phones.length);

  const securityProfiles: SecurityProfile[] = (
    await listAll(client, 'phoneSecurityProfile', SECURITY_PROFILE_TAGS, {
      ...paging,
      ...(pageSize ? { pageSize } : {}),
    })
  ).map((row) => ({
    name: requireName(row, 'name', 'phone security profile', client),
    phoneType: text(row, 'phoneType') ?? '',
    protocol: text(row, 'protocol') ?? '',
    deviceSecurityMode: text(row, 'deviceSecurityMode') ?? '',
    transportType: text(row, 'transportType') ?? '',
    tftpEncryptedConfig: bool(text(row, 'tftpEncryptedConfig')),
  }));
  progress('securityProfiles', securityProfiles.length);

  const devicePools: DevicePool[] = (
    await listAll(client, 'devicePool', DEVICE_POOL_TAGS, { ...paging, ...(pageSize ? { pageSize } : {}) })
  ).map((row) => {
    const dateTimeGroup = text(row, 'dateTimeSettingName');
    const region = text(row, 'regionName');
    return {
      name: requireName(row, 'name', 'device pool', client),
      ...(dateTimeGroup ? { dateTimeGroup } : {}),
      ...(region ? { region } : {}),
    };
  });
  progress('devicePools', devicePools.length);

  const groupNames = (
    await listAll(client, 'dateTimeGroup', ['name'], { ...paging, ...(pageSize ? { pageSize } : {}) })
  ).map((row) => requireName(row, 'name', 'date/time group', client));
  const dateTimeGroups: DateTimeGroup[] = await Promise.all(
    groupNames.map(async (name) => {
      const group = await getOne(client, 'dateTimeGroup', name);
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
  progress('dateTimeGroups', dateTimeGroups.length);

  const regionNames = (await listAll(client, 'region', ['name'], { ...paging, ...(pageSize ? { pageSize } : {}) })).map(
    (row) => requireName(row, 'name', 'region', client),
  );
  const regions: Region[] = await Promise.all(
    regionNames.map(async (name) => {
      const region = await getOne(client, 'region', name);
      const relations = children(child(region, 'relatedRegions'), 'relatedRegion').flatMap((relation) => {
        const other = text(relation, 'regionName');
        const kbps = Number.parseInt(text(relation, 'videoBandwidth') ?? '', 10);
        return other !== undefined && Number.isFinite(kbps) ? [{ region: other, videoKbps: kbps }] : [];
      });
      return { name, relations };
    }),
  );
  progress('regions', regions.length);

  const cppNames = (
    await listAll(client, 'commonPhoneConfig', ['name'], { ...paging, ...(pageSize ? { pageSize } : {}) })
  ).map((row) => requireName(row, 'name', 'common phone profile', client));
  const commonPhoneProfiles: CommonPhoneProfile[] = await Promise.all(
    cppNames.map(async (name) => {
      const profile = await getOne(client, 'commonPhoneConfig', name);
      const ice = iceFrom(child(profile, 'vendorConfig'));
      return { name, ...(ice ? { ice } : {}) };
    }),
  );
  progress('commonPhoneProfiles', commonPhoneProfiles.length);

  const profileNames = (
    await listAll(client, 'userProfileProvision', ['name'], { ...paging, ...(pageSize ? { pageSize } : {}) })
  ).map((row) => requireName(row, 'name', 'user profile', client));
  const userProfiles: UserProfile[] = await Promise.all(
    profileNames.map(async (name) => {
      const profile = await getOne(client, 'userProfileProvision', name);
      const limit = Number.parseInt(text(profile, 'limitProvision') ?? '', 10);
      return {
        name,
        enableMra: bool(text(profile, 'enableMra')),
        mraPolicyDesktop: text(profile, 'mraPolicy_Desktop') ?? '',
        mraPolicyMobile: text(profile, 'mraPolicy_Mobile') ?? '',
        allowProvision: bool(text(profile, 'allowProvision')),
        ...(Number.isFinite(limit) ? { limitProvision: limit } : {}),
      };
    }),
  );
  progress('userProfiles', userProfiles.length);

  const userRows = await listAll(client, 'user', USER_TAGS, {
    ...paging,
    searchCriteria: { userid: '%' },
    pageSize: pageSize ?? 5000,
    map: (row) => ({ userid: requireName(row, 'userid', 'user', client), imp: bool(text(row, 'imAndPresenceEnable')) }),
  });
  const profileOf = new Map<string, string>();
  for (const row of await sqlAll(client, USER_PROFILE_SQL, paging)) {
    const userid = text(row, 'userid');
    const profile = text(row, 'userprofile');
    if (userid !== undefined && profile !== undefined) profileOf.set(userid, profile);
  }
  const users: EndUser[] = userRows.map(({ userid, imp }) => {
    const userProfile = profileOf.get(userid);
    // `jabber` carries AXL's imAndPresenceEnable; owners of CSF/BOT/TCT/TAB devices are found by
    // the rules from the phones section, so the snapshot states what CUCM says and nothing derived.
    return { userid, ...(userProfile ? { userProfile } : {}), jabber: imp };
  });
  progress('users', users.length);

  const ils = await getIls(client);

  return {
    version,
    source: `axl ${client.url}`,
    collectedAt: new Date().toISOString(),
    services,
    phones,
    securityProfiles,
    devicePools,
    dateTimeGroups,
    regions,
    commonPhoneProfiles,
    userProfiles,
    users,
    ils,
  };
}

/** ILS role: "Stand Alone Cluster" means no ILS; hub or spoke means it is configured. */
async function getIls(client: AxlClient): Promise<CucmSnapshot['ils']> {
  const response = await client.call('getIlsConfig', '');
  const role = text(child(child(response.body, 'return'), 'ilsConfig'), 'role');
  if (role === undefined || /stand\s*alone/i.test(role)) return { configured: false };
  return { configured: true, role };
}
