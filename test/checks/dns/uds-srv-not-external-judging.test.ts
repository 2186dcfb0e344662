import { describe, expect, it } from 'vitest';
import { testCheck } from '../../helpers/check.js';
import { fakeZone, srv, type Entry } from './zone.js';

/**
 * MRA-DNS-002 answer by answer on a table resolver: which answer proves a name hidden (and says
 * which), and what a leak lists. The real public view of BIND is in uds-srv-not-external.test.ts.
 */
const UDS = '_cisco-uds._tcp.example.com';
const CUPLOGIN = '_cuplogin._tcp.example.com';
const RESOLVER = '198.51.100.53:53';

async function judge(table: Record<string, Entry>) {
  const findings = await testCheck('MRA-DNS-002', {
    inventory: { domains: ['example.com'], dns: { external: ['198.51.100.53'] } },
    services: { dns: fakeZone(table).dns },
  });
  return findings.map(({ target, status, messageId, message, group }) => ({
    target,
    status,
    messageId,
    message,
    group,
  }));
}

describe('MRA-DNS-002 answer by answer', () => {
  it('passes NXDOMAIN and NODATA, naming which one proved the name hidden', async () => {
    expect(await judge({ [`${CUPLOGIN} TXT`]: [] })).toEqual([
      {
        target: `${UDS}@${RESOLVER}`,
        status: 'pass',
        messageId: 'notPublished',
        message: `${UDS} does not resolve on external resolver ${RESOLVER} (NXDOMAIN), as required.`,
        group: undefined,
      },
      {
        target: `${CUPLOGIN}@${RESOLVER}`,
        status: 'pass',
        messageId: 'notPublished',
        message: `${CUPLOGIN} does not resolve on external resolver ${RESOLVER} (NODATA), as required.`,
        group: undefined,
      },
    ]);
  });

  it('fails a leaked name listing every record, and groups it under the public zone', async () => {
    const [uds] = await judge({
      [`${UDS} SRV`]: [srv(UDS, 'cucm-pub.example.com'), srv(UDS, 'cucm-sub1.example.com', 8443, 20)],
    });
    expect(uds).toEqual({
      target: `${UDS}@${RESOLVER}`,
      status: 'fail',
      messageId: 'leaked',
      message: `${UDS} resolves on external resolver ${RESOLVER}, so clients outside would bypass Expressway: ${UDS}. 300 IN SRV 10 10 8443 cucm-pub.example.com.; ${UDS}. 300 IN SRV 20 10 8443 cucm-sub1.example.com.`,
      group: { key: 'dns-zone:external:example.com', label: 'public DNS zone example.com' },
    });
  });
});
