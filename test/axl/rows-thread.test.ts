import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { escapeXml } from '../../src/probes/axl/xml.js';
import { PACKAGE_ROOT } from '../../src/package/root.js';
import type * as Rows from '../../src/probes/axl/rows.js';
import type * as Collect from '../../src/cucm/collect.js';
import type * as Client from '../../src/probes/axl/client.js';
import { AXL_FAILURES } from '../../lab/axl-server.js';
import { AXL_PASSWORD, generatedCluster, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

/**
 * The reading thread exists only in the build (dist/src/probes/axl/row-worker.js): the sources run
 * by vitest read pages on the main thread. These tests load the built modules, as the CLI runs
 * them (`npm run build` first, like the CLI tests), and hold the thread to the same results.
 */
const built = (path: string): string => join(PACKAGE_ROOT, 'dist', 'src', path);
let rows: typeof Rows;
let collect: typeof Collect;
let client: typeof Client;

beforeAll(async () => {
  if (!existsSync(built('probes/axl/row-worker.js'))) throw new Error('dist is missing: run `npm run build` first');
  rows = (await import(pathToFileURL(built('probes/axl/rows.js')).href)) as typeof Rows;
  collect = (await import(pathToFileURL(built('cucm/collect.js')).href)) as typeof Collect;
  client = (await import(pathToFileURL(built('probes/axl/client.js')).href)) as typeof Client;
});

let axl: TestAxl | undefined;
afterEach(async () => {
  await axl?.stop();
  axl = undefined;
});

const FIELDS = ['name', 'product', 'devicePoolName'];
const scan = {
  operation: 'listPhone',
  item: 'phone',
  fields: FIELDS,
  map: (values: ReadonlyArray<string | undefined>) => [...values],
};

function page(rowsXml: string): Buffer {
  return Buffer.from(
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
      `<ns:listPhoneResponse xmlns:ns="http://www.cisco.com/AXL/API/15.0"><return>${rowsXml}</return></ns:listPhoneResponse>` +
      `</soapenv:Body></soapenv:Envelope>`,
  );
}

describe('the row reading thread (built)', () => {
  it('reads what the main thread reads: entities, UTF-8, absent values, thousands of rows', async () => {
    // Names turn their column plain after 255 distinct values (absent ones before and after the
    // switch); models and pools stay coded, absent values included.
    const values = Array.from({ length: 5000 }, (_, i) => [
      i % 13 === 0 ? undefined : `SEP${i} Ä & <${i % 7}>`,
      i % 3 === 0 ? undefined : `Cisco ${7800 + (i % 5)}`,
      `東京 DP ${i % 11}`,
    ]);
    const xml = values
      .map(
        (row) =>
          `<phone uuid="{X}">${FIELDS.map((field, i) =>
            row[i] === undefined ? `<${field}/>` : `<${field}>${escapeXml(row[i]!)}</${field}>`,
          ).join('')}</phone>`,
      )
      .join('');
    // Big enough to move to the thread, and a small page from Node's shared pool, which is copied.
    const result = rows.readPage(page(xml), scan);
    expect(result.count).toBe(5000);
    expect(await result.rows).toEqual(values);
    const small = rows.readPage(Buffer.from(page(xml.slice(0, xml.indexOf('</phone>') + 8))), scan);
    expect(await small.rows).toEqual([values[0]]);
    expect(await rows.readPage(page(''), scan).rows).toEqual([]);
  });

  it('a page that is not a whole envelope fails at once; one whose rows are broken comes back with its bytes', async () => {
    // The count is taken on the calling thread: a truncated answer never goes to the thread.
    expect(() => rows.readPage(page('<phone><name>SEP1</name>').subarray(0, 120), scan)).toThrow(
      /not a complete SOAP envelope/,
    );
    const broken = page('<phone><name>SEP1</name><product>Cisco 8845</phone>');
    const copy = Buffer.from(broken);
    const read = rows.readPage(Buffer.concat([broken]), scan);
    expect(read.count).toBe(1);
    const error = await read.rows.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(rows.PageReadError);
    expect((error as Rows.PageReadError).message).toContain('<product> is not closed');
    expect((error as Rows.PageReadError).body.equals(copy)).toBe(true);
  });

  it('collect through the thread gives the snapshot, and a malformed or faulted page costs its section only', async () => {
    const cluster = generatedCluster(3000);
    axl = await startTestAxl(cluster, {
      failures: [
        { operation: 'listUser', reply: AXL_FAILURES.malformed },
        {
          operation: 'executeSQLQuery',
          sql: /processconfig/,
          reply: {
            status: 200,
            body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Item not valid</faultstring><detail><axlError><axlcode>5007</axlcode><axlmessage>Item not valid</axlmessage><request>executeSQLQuery</request></axlError></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
          },
        },
      ],
    });
    const live = new client.AxlClient(axl.clientOptions());
    try {
      const collected = await collect.collectSnapshot(live, { pageSize: 1000 });
      expect(collected.phones).toEqual(cluster.phones);
      expect(collected.securityProfiles).toEqual(sampleCluster().securityProfiles);
      expect(Object.keys(collected.unavailable ?? {}).sort()).toEqual(['clusterSecurity', 'users']);
      expect(collected.unavailable!.users).toMatch(/listUser.*not a complete SOAP envelope/);
      expect(collected.unavailable!.clusterSecurity).toMatch(/axlcode 5007\): Item not valid/);
      expect(JSON.stringify(collected)).not.toContain(AXL_PASSWORD);
    } finally {
      await live.close();
    }
  });
});
