import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AxlServerReply, AxlServerRequest } from '../../lab/axl-server.js';
import {
  collectSnapshot,
  CLUSTER_SECURITY_SQL,
  getCcmVersion,
  OAUTH_TAG,
  PHONE_TAGS,
  sqlAll,
  USER_PROFILE_SQL,
} from '../../src/cucm/collect.js';
import { SNAPSHOT_SECTIONS, type SnapshotSection } from '../../src/cucm/snapshot.js';
import type { AxlClient } from '../../src/probes/axl/client.js';
import { AxlError } from '../../src/probes/axl/errors.js';
import { escapeXml } from '../../src/probes/axl/xml.js';
import { sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

/** A 200 answer as CUCM writes it: `<return>` holding `inner`. */
function answer(operation: string, inner: string): AxlServerReply {
  return {
    status: 200,
    body:
      `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">` +
      `<soapenv:Body><ns:${operation}Response xmlns:ns="http://www.cisco.com/AXL/API/15.0"><return>${inner}</return>` +
      `</ns:${operation}Response></soapenv:Body></soapenv:Envelope>`,
  };
}

/** One row element of a list answer from [tag, value] pairs; a value of undefined leaves the tag out. */
function row(item: string, fields: Record<string, string | undefined>): string {
  const cells = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([tag, value]) => `<${tag}>${value}</${tag}>`)
    .join('');
  return `<${item}>${cells}</${item}>`;
}

const cluster = sampleCluster();
let axl: TestAxl;
let replies: Record<string, (request: AxlServerRequest) => AxlServerReply | undefined> = {};
beforeAll(async () => {
  axl = await startTestAxl(cluster, { intercept: (request) => replies[request.operation]?.(request) });
});
afterAll(async () => {
  await axl.stop();
});
beforeEach(() => {
  replies = {};
  axl.server.clearFailures();
  axl.server.resetStats();
});

/** A client that also keeps the inner XML of every request it sends. */
function recordingClient(overrides: Parameters<TestAxl['client']>[0] = {}): {
  client: AxlClient;
  sent: Array<[string, string]>;
} {
  const client = axl.client(overrides);
  const sent: Array<[string, string]> = [];
  const call = client.call.bind(client);
  const fetchPage = client.fetchPage.bind(client);
  client.call = (operation, inner) => {
    sent.push([operation, inner]);
    return call(operation, inner);
  };
  client.fetchPage = (operation, inner) => {
    sent.push([operation, inner]);
    return fetchPage(operation, inner);
  };
  return { client, sent };
}

const only = (...sections: SnapshotSection[]): { sections: Set<SnapshotSection> } => ({ sections: new Set(sections) });

describe('collect: the requests it writes', () => {
  it('search criteria, returned tags, skip/first and SQL, exactly', async () => {
    const { client, sent } = recordingClient();
    await collectSnapshot(client);
    const inners = (operation: string): string[] => sent.filter(([op]) => op === operation).map(([, inner]) => inner);
    expect(inners('getCCMVersion')).toEqual(['<processNodeName></processNodeName>']);
    expect(inners('listPhone')).toEqual([
      `<searchCriteria><name>%</name></searchCriteria><returnedTags>${PHONE_TAGS.map((tag) => `<${tag}/>`).join('')}` +
        '</returnedTags><skip>0</skip><first>10000</first>',
    ]);
    expect(inners('listProcessNodeService')[0]).toMatch(
      /^<searchCriteria><processNodeName>%<\/processNodeName><\/searchCriteria><returnedTags>/,
    );
    expect(inners('listUser')[0]).toMatch(/^<searchCriteria><userid>%<\/userid><\/searchCriteria><returnedTags>/);
    expect(inners('listRegion')).toEqual([
      '<searchCriteria><name>%</name></searchCriteria><returnedTags><name/></returnedTags><skip>0</skip><first>10000</first>',
    ]);
    expect(inners('executeSQLQuery').sort()).toEqual(
      [
        `<sql>${escapeXml(`select skip 0 first 10000 ${USER_PROFILE_SQL.slice('select '.length)}`)}</sql>`,
        `<sql>${escapeXml(`select skip 0 first 10000 ${CLUSTER_SECURITY_SQL.slice('select '.length)}`)}</sql>`,
      ].sort(),
    );
    expect(inners('getRegion').sort()).toEqual(cluster.regions.map((r) => `<name>${escapeXml(r.name)}</name>`).sort());
    expect(inners('getUserProfileProvision').sort()).toEqual(
      cluster.userProfiles
        .map(
          (p) =>
            `<name>${escapeXml(p.name)}</name>` +
            '<returnedTags><enableMra/><mraPolicy_Desktop/><mraPolicy_Mobile/></returnedTags>',
        )
        .sort(),
    );
  });

  it('sqlAll takes the leading SELECT off whatever its case and spacing, and only a leading one', async () => {
    const { client, sent } = recordingClient();
    const read = (sql: string): Promise<unknown> =>
      sqlAll(client, sql, ['a'], (values) => values, { pageSize: 5 }).catch(() => undefined);
    await read('  SELECT\t a from t');
    await read('a from t where b in (select c from u)');
    expect(sent.map(([, inner]) => inner)).toEqual([
      '<sql>select skip 0 first 5 a from t</sql>',
      '<sql>select skip 0 first 5 a from t where b in (select c from u)</sql>',
    ]);
  });

  it('every list of a section pages with the page size it is given', async () => {
    await collectSnapshot(axl.client(), { pageSize: 7 });
    const lists = axl.server.requests.filter((request) => request.operation.startsWith('list'));
    expect(new Set(lists.map((request) => request.operation)).size).toBe(9);
    expect(lists.filter((request) => request.first !== 7)).toEqual([]);
  });

  it('asks EnableOAuthAuthentication from AXL 12.5 on, not before', async () => {
    const asked: Record<string, boolean> = {};
    for (const version of ['11.5', '12.0', '12.5', '12.6', '14.0']) {
      axl.server.resetStats();
      await collectSnapshot(axl.client({ version }), only('securityProfiles')).catch(() => undefined);
      const request = axl.server.requests.find((r) => r.operation === 'listPhoneSecurityProfile');
      asked[version] = request?.returnedTags?.includes(OAUTH_TAG) ?? false;
    }
    expect(asked).toEqual({ '11.5': false, '12.0': false, '12.5': true, '12.6': true, '14.0': true });
  });
});

describe('collect: rows as CUCM may write them', () => {
  it('names the section and the field of a row that lacks a required one', async () => {
    const nameless = (operation: string, item: string, fields: Record<string, string> = {}) => {
      replies[operation] = (request) => (request.skip === 0 ? answer(operation, row(item, fields)) : undefined);
    };
    nameless('listPhone', 'phone', { product: 'Cisco 8845' });
    nameless('listPhoneSecurityProfile', 'phoneSecurityProfile');
    nameless('listDevicePool', 'devicePool');
    nameless('listDateTimeGroup', 'dateTimeGroup');
    nameless('listRegion', 'region');
    nameless('listCommonPhoneConfig', 'commonPhoneConfig');
    nameless('listUserProfileProvision', 'userProfileProvision');
    nameless('listUser', 'user', { imAndPresenceEnable: 'true' });
    nameless('listProcessNodeService', 'processNodeService', { service: 'Cisco CallManager', enable: 'true' });
    const collected = await collectSnapshot(axl.client());
    const url = axl.url;
    expect(collected.unavailable).toEqual({
      phones: `AXL at ${url}: a phone row has no name`,
      securityProfiles: `AXL at ${url}: a phone security profile row has no name`,
      devicePools: `AXL at ${url}: a device pool row has no name`,
      dateTimeGroups: `AXL at ${url}: a date/time group row has no name`,
      regions: `AXL at ${url}: a region row has no name`,
      commonPhoneProfiles: `AXL at ${url}: a common phone profile row has no name`,
      userProfiles: `AXL at ${url}: a user profile row has no name`,
      users: `AXL at ${url}: a user row has no userid`,
      services: `AXL at ${url}: a service row has no processNodeName`,
    });
    nameless('listProcessNodeService', 'processNodeService', { processNodeName: 'cucm-pub', enable: 'true' });
    const again = await collectSnapshot(axl.client(), only('services', 'ils'));
    expect(again.unavailable).toEqual({ services: `AXL at ${url}: a service row has no service` });
    // A malformed row is a malformed answer: when it is all there was, that is what is thrown.
    const error = await collectSnapshot(axl.client(), only('services')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxlError);
    expect((error as AxlError).kind).toBe('malformed');
  });

  it('reads activation flags as AXL, SQL and vendorConfig write them, and drops the EnterpriseWideData pseudo-node', async () => {
    const flags = [
      'true',
      'false',
      't',
      'f',
      'TRUE',
      ' Enabled ',
      'Disabled',
      '1',
      '0',
      'yes',
      'xt',
      'tx',
      '',
      undefined,
    ];
    replies.listProcessNodeService = () =>
      answer(
        'listProcessNodeService',
        [
          row('processNodeService', { processNodeName: 'EnterpriseWideData', service: 'Enterprise', enable: 'true' }),
          ...flags.map((enable, index) =>
            row('processNodeService', { processNodeName: 'cucm-pub', service: `S${index}`, enable }),
          ),
        ].join(''),
      );
    const collected = await collectSnapshot(axl.client(), only('services'));
    expect(collected.services.map((service) => [service.node, service.name, service.activated])).toEqual(
      flags.map((enable, index) => [
        'cucm-pub',
        `S${index}`,
        ['true', 't', 'TRUE', ' Enabled ', '1', 'yes'].includes(enable ?? ''),
      ]),
    );
  });

  it('fills what a phone or security profile row leaves out with empty text, never with a key for nothing', async () => {
    replies.listPhone = () =>
      answer(
        'listPhone',
        row('phone', { name: 'SEP1' }) +
          row('phone', { name: 'SEP2', commonPhoneConfigName: '', ownerUserName: '' }) +
          row('phone', { name: 'SEP3', commonPhoneConfigName: 'CPP', ownerUserName: 'jdoe' }),
      );
    replies.listPhoneSecurityProfile = () =>
      answer('listPhoneSecurityProfile', row('phoneSecurityProfile', { name: 'P1' }));
    replies.listDevicePool = () => answer('listDevicePool', row('devicePool', { name: 'DP1' }));
    const collected = await collectSnapshot(axl.client(), only('phones', 'securityProfiles', 'devicePools'));
    const blank = { model: '', protocol: '', devicePool: '', securityProfile: '' };
    expect(collected.phones).toStrictEqual([
      { name: 'SEP1', ...blank },
      { name: 'SEP2', ...blank },
      { name: 'SEP3', ...blank, commonPhoneProfile: 'CPP', owner: 'jdoe' },
    ]);
    expect(collected.securityProfiles).toStrictEqual([
      {
        name: 'P1',
        phoneType: '',
        protocol: '',
        deviceSecurityMode: '',
        transportType: '',
        tftpEncryptedConfig: false,
      },
    ]);
    expect(collected.devicePools).toStrictEqual([{ name: 'DP1' }]);
  });

  it('orders NTP references by selectionOrder (none counts as 0) and skips one without a name', async () => {
    replies.listDateTimeGroup = () => answer('listDateTimeGroup', row('dateTimeGroup', { name: 'G' }));
    const ref = (name: string | undefined, order: string | undefined): string =>
      row('selectedPhoneNtpReference', { phoneNtpName: name, selectionOrder: order });
    replies.getDateTimeGroup = () =>
      answer(
        'getDateTimeGroup',
        `<dateTimeGroup><name>G</name><phoneNtpReferences>${ref('ntp-c', '3')}${ref(undefined, '1')}${ref('ntp-b', '2')}` +
          `${ref('ntp-a', undefined)}</phoneNtpReferences></dateTimeGroup>`,
      );
    const collected = await collectSnapshot(axl.client(), only('dateTimeGroups'));
    expect(collected.dateTimeGroups).toStrictEqual([{ name: 'G', phoneNtpReferences: ['ntp-a', 'ntp-b', 'ntp-c'] }]);
  });

  it('keeps a related region only with its name and a video bandwidth', async () => {
    replies.listRegion = () => answer('listRegion', row('region', { name: 'R' }));
    const relation = (name: string | undefined, kbps: string | undefined): string =>
      row('relatedRegion', { regionName: name, videoBandwidth: kbps });
    replies.getRegion = () =>
      answer(
        'getRegion',
        `<region><name>R</name><relatedRegions>${relation('A', '384')}${relation(undefined, '512')}` +
          `${relation('B', undefined)}${relation('C', 'none')}</relatedRegions></region>`,
      );
    const collected = await collectSnapshot(axl.client(), only('regions'));
    expect(collected.regions).toStrictEqual([{ name: 'R', relations: [{ region: 'A', videoKbps: 384 }] }]);
  });

  it('reads ICE from vendorConfig: only the elements present, the TURN password only as set or not', async () => {
    replies.listCommonPhoneConfig = () =>
      answer(
        'listCommonPhoneConfig',
        ['Full', 'Bare', 'None'].map((name) => row('commonPhoneConfig', { name })).join(''),
      );
    const vendorConfig: Record<string, string> = {
      Full:
        '<ice>Enabled</ice><iceDefaultCandidateType>Relayed</iceDefaultCandidateType>' +
        '<iceServerReflexiveAddress>Disabled</iceServerReflexiveAddress><icePrimaryTurnServer>turn1</icePrimaryTurnServer>' +
        '<iceSecondaryTurnServer>turn2</iceSecondaryTurnServer><iceTurnServerTransportType>TCP</iceTurnServerTransportType>' +
        '<iceTurnServerUsername>u</iceTurnServerUsername><iceTurnServerPassword>secret</iceTurnServerPassword>',
      Bare: '<ice>Disabled</ice>',
      None: '<other>x</other>',
    };
    replies.getCommonPhoneConfig = (request) =>
      answer(
        'getCommonPhoneConfig',
        `<commonPhoneConfig><name>${request.name}</name><vendorConfig>${vendorConfig[request.name!]}</vendorConfig></commonPhoneConfig>`,
      );
    const collected = await collectSnapshot(axl.client(), only('commonPhoneProfiles'));
    expect(collected.commonPhoneProfiles).toStrictEqual([
      {
        name: 'Full',
        ice: {
          enabled: true,
          defaultCandidateType: 'Relayed',
          serverReflexiveAddress: false,
          primaryTurnServer: 'turn1',
          secondaryTurnServer: 'turn2',
          turnTransportType: 'TCP',
          turnUsername: 'u',
          turnPasswordSet: true,
        },
      },
      { name: 'Bare', ice: { enabled: false, turnPasswordSet: false } },
      { name: 'None' },
    ]);
  });

  it('a user profile without limit or MRA policies, and a user whose SQL rows disagree', async () => {
    replies.listUserProfileProvision = () =>
      answer('listUserProfileProvision', row('userProfileProvision', { name: 'UP', allowProvision: 'true' }));
    replies.getUserProfileProvision = () =>
      answer('getUserProfileProvision', '<userProfileProvision><name>UP</name></userProfileProvision>');
    replies.listUser = () =>
      answer(
        'listUser',
        row('user', { userid: 'a', imAndPresenceEnable: 'true' }) +
          row('user', { userid: 'b', imAndPresenceEnable: 'f' }),
      );
    replies.executeSQLQuery = (request) =>
      /ucuserprofile/.test(request.sql ?? '')
        ? answer(
            'executeSQLQuery',
            row('row', { userid: 'a', userprofile: 'UP' }) +
              row('row', { userid: 'a' }) +
              row('row', { userprofile: 'X' }),
          )
        : undefined;
    const collected = await collectSnapshot(axl.client(), only('userProfiles', 'users'));
    expect(collected.userProfiles).toStrictEqual([
      { name: 'UP', enableMra: false, mraPolicyDesktop: '', mraPolicyMobile: '', allowProvision: true },
    ]);
    expect(collected.users).toStrictEqual([
      { userid: 'a', userProfile: 'UP', jabber: true },
      { userid: 'b', jabber: false },
    ]);
  });

  it('ILS: no role or a stand-alone cluster is not configured; a hub is', async () => {
    const role = (value: string | undefined) => () =>
      answer('getIlsConfig', `<ilsConfig>${value === undefined ? '' : `<role>${value}</role>`}</ilsConfig>`);
    const ils = async (value: string | undefined): Promise<unknown> => {
      replies.getIlsConfig = role(value);
      return (await collectSnapshot(axl.client(), only('ils'))).ils;
    };
    expect(await ils(undefined)).toStrictEqual({ configured: false });
    expect(await ils('StandAlone Cluster')).toStrictEqual({ configured: false });
    expect(await ils('Stand Alone Cluster')).toStrictEqual({ configured: false });
    expect(await ils('Hub Cluster')).toStrictEqual({ configured: true, role: 'Hub Cluster' });
  });

  it('cluster security: values are trimmed, a parameter without a value is not known, anything else is malformed', async () => {
    const params = (rows: string) => () => answer('executeSQLQuery', rows);
    replies.executeSQLQuery = params(
      row('row', { paramname: 'ClusterSecurityMode', paramvalue: ' 1 ' }) +
        row('row', { paramname: 'ClusterSIPOAuthMode' }),
    );
    expect((await collectSnapshot(axl.client(), only('clusterSecurity'))).clusterSecurity).toStrictEqual({
      clusterSecurityMode: 'mixed',
    });
    replies.executeSQLQuery = params(row('row', { paramname: 'ClusterSIPOAuthMode', paramvalue: 'on' }));
    const error = await collectSnapshot(axl.client(), only('clusterSecurity')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxlError);
    expect((error as AxlError).kind).toBe('malformed');
    expect((error as AxlError).message).toBe(
      `AXL at ${axl.url}: processconfig ClusterSIPOAuthMode is "on", not 0 or 1`,
    );
  });
});

describe('collect: when reading fails', () => {
  const noVersion = (): AxlServerReply => answer('getCCMVersion', '<componentVersion></componentVersion>');

  it('an answer without a version is malformed; the sections are still read and the version is unknown', async () => {
    replies.getCCMVersion = noVersion;
    const error = await getCcmVersion(axl.client()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxlError);
    expect((error as AxlError).kind).toBe('malformed');
    expect((error as AxlError).details.operation).toBe('getCCMVersion');
    expect((error as AxlError).message).toBe(
      `AXL getCCMVersion at ${axl.url}: the answer has no return/componentVersion/version`,
    );
    const collected = await collectSnapshot(axl.client(), only('ils'));
    expect(collected.version).toBe('unknown');
    expect(collected.ils).toEqual(cluster.ils);
    expect(collected.unavailable).toBeUndefined();
  });

  it('every section failing throws the first section failure, not the version one', async () => {
    replies.getCCMVersion = noVersion;
    replies.listRegion = () => ({ fault: { axlcode: 5002, message: 'Unknown Request' } });
    replies.getIlsConfig = () => ({ fault: { axlcode: 5007, message: 'Item not valid' } });
    const error = await collectSnapshot(axl.client(), only('regions')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxlError);
    expect((error as AxlError).details.operation).toBe('listRegion');
    expect((error as AxlError).message).not.toMatch(/no section could be read/);
    expect((error as AxlError).message).toMatch(/^AXL listRegion at .*axlcode 5002\): Unknown Request/);
  });

  it('a version request nothing can get past stops the run, even with no section asked', async () => {
    const collected = await collectSnapshot(axl.client(), { sections: new Set() });
    expect(collected.notCollected).toEqual([...SNAPSHOT_SECTIONS]);
    expect(collected.version).toBe(cluster.version);
    const error = await collectSnapshot(axl.client({ password: 'wrong' }), { sections: new Set() }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AxlError);
    expect((error as AxlError).kind).toBe('unauthorized');
    expect((error as AxlError).details.operation).toBe('getCCMVersion');
    const all = await collectSnapshot(axl.client({ password: 'wrong' }), only('regions', 'ils')).catch(
      (caught: unknown) => caught,
    );
    expect((all as AxlError).details.operation).toBe('getCCMVersion');
  });

  it('reports the rows of each section read', async () => {
    const events: Array<{ section: SnapshotSection; rows: number }> = [];
    await collectSnapshot(axl.client(), { ...only('phones', 'ils'), onProgress: (event) => events.push(event) });
    expect(events.sort((a, b) => a.section.localeCompare(b.section))).toEqual([
      { section: 'ils', rows: 1 },
      { section: 'phones', rows: cluster.phones.length },
    ]);
  });
});
