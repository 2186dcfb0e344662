import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { AxlServerReply } from '../../lab/axl-server.js';
import { runCollectCommand } from '../../src/cli/collect.js';
import { createCucmSource } from '../../src/cucm/source.js';
import { Limiter } from '../../src/probes/limiter.js';
import { testScan, fixtureInventory } from '../helpers/check.js';
import { AXL_ENV, AXL_PASSWORD, AXL_USER, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

let axl: TestAxl | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await axl?.stop();
  axl = undefined;
});

const FORMS = [
  AXL_PASSWORD,
  Buffer.from(`${AXL_USER}:${AXL_PASSWORD}`).toString('base64'),
  Buffer.from(AXL_PASSWORD).toString('base64'),
];

const BEHAVIOURS: Array<[string, ((request: { operation: string }) => AxlServerReply | undefined) | undefined]> = [
  ['answers', undefined],
  ['faults', () => ({ fault: { axlcode: 5007, message: 'Item not valid' } })],
  ['garbage', () => ({ status: 200, body: 'garbage' })],
  ['503', () => ({ status: 503, body: '' })],
  ['slow', () => ({ delayMs: 2000 })],
  // A hostile or careless peer that echoes the credential back must not get it into a message.
  ['echoes the password', () => ({ fault: { axlcode: 5000, message: `Login failed for password ${AXL_PASSWORD}` } })],
];

describe('the AXL password appears in no output', () => {
  it.each(BEHAVIOURS)('when AXL %s: collect output and file, check report, probe reasons', async (_name, intercept) => {
    axl = await startTestAxl(sampleCluster(), intercept ? { intercept } : {});
    const outputs: string[] = [];

    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += chunk.toString();
      return true;
    });
    const saved = { ...process.env };
    Object.assign(process.env, AXL_ENV);
    const inventoryFile = join(axl.dir, 'inv.yaml');
    writeFileSync(
      inventoryFile,
      stringify({ domains: ['example.com'], cucm: { axl: axl.axl, mraDevicePools: ['MRA_DP'] } }),
    );
    await runCollectCommand({
      inventory: inventoryFile,
      output: join(axl.dir, 'snapshot.json'),
      timeout: '400',
      debug: true,
    });
    process.env = saved;
    process.exitCode = undefined;
    vi.restoreAllMocks();
    outputs.push(stderr);
    for (const file of readdirSync(axl.dir)) outputs.push(readFileSync(join(axl.dir, file), 'utf8'));

    const inventory = {
      domains: ['example.com'],
      nodes: [{ fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' }],
      cucm: { axl: axl.axl, mraDevicePools: ['MRA_DP'] },
    };
    for (const rule of ['MRA-CUCM-001', 'MRA-CUCM-002', 'MRA-CUCM-011']) {
      outputs.push(JSON.stringify(await testScan(rule, { inventory, env: AXL_ENV, timeoutMs: 400 })));
    }
    const source = createCucmSource({
      inventory: fixtureInventory({ inventory }),
      offline: false,
      timeoutMs: 400,
      limiter: new Limiter(4),
      signal: new AbortController().signal,
      env: AXL_ENV,
    });
    outputs.push(JSON.stringify(await source.snapshot()), JSON.stringify(await source.axlVersion?.()));
    await source.close?.();

    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(100);
    for (const form of FORMS) expect(all).not.toContain(form);
  });
});
