import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { AxlServerOptions } from '../../lab/axl-server.js';
import { runCollectCommand } from '../../src/cli/collect.js';
import type { CucmSnapshot } from '../../src/cucm/snapshot.js';
import { AXL_PASSWORD, AXL_USER, sampleCluster, startTestAxl, type TestAxl } from '../helpers/axl-server.js';

let axl: TestAxl | undefined;
let stderr = '';
const savedEnv = { ...process.env };

beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  process.env.AXL_USER = AXL_USER;
  process.env.AXL_PASS = AXL_PASSWORD;
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.env = { ...savedEnv };
  process.exitCode = undefined;
  await axl?.stop();
  axl = undefined;
});

async function setup(
  serverOptions: Partial<AxlServerOptions> = {},
  cucm?: Record<string, unknown>,
): Promise<{ inventory: string; output: string }> {
  axl = await startTestAxl(sampleCluster(), serverOptions);
  const inventory = join(axl.dir, 'mra-preflight.yaml');
  writeFileSync(
    inventory,
    stringify({ domains: ['example.com'], cucm: cucm ?? { axl: axl.axl, mraDevicePools: ['MRA_DP'] } }),
  );
  return { inventory, output: join(axl.dir, 'snapshot.json') };
}

describe('mra-preflight collect', () => {
  it('writes the snapshot collected over AXL and exits 0; with clusters: 1, ILS is not requested', async () => {
    const { inventory, output } = await setup();
    const code = await runCollectCommand({ inventory, output, timeout: '5000' });
    expect(code).toBe(0);
    const written = JSON.parse(readFileSync(output, 'utf8')) as ReturnType<typeof sampleCluster>;
    expect({ ...written, source: undefined, collectedAt: undefined }).toEqual({
      ...sampleCluster(),
      ils: { configured: false },
      notCollected: ['ils'],
    });
    expect(written.source).toBe(`axl ${axl!.url}`);
    expect(axl!.server.requests.map((request) => request.operation)).not.toContain('getIlsConfig');
    expect(stderr).toContain('wrote');
    expect(stderr).toContain('3 phones');
    expect(stderr).toContain('not collected: ils');
    expect(readFileSync(output, 'utf8')).not.toContain(AXL_PASSWORD);
    expect(stderr).not.toContain(AXL_PASSWORD);
  });

  it('with clusters: 2, ILS is collected too', async () => {
    axl = await startTestAxl(sampleCluster());
    const inventory = join(axl.dir, 'two-clusters.yaml');
    writeFileSync(
      inventory,
      stringify({ domains: ['example.com'], clusters: 2, cucm: { axl: axl.axl, mraDevicePools: ['MRA_DP'] } }),
    );
    const output = join(axl.dir, 'snapshot.json');
    expect(await runCollectCommand({ inventory, output, timeout: '5000' })).toBe(0);
    const written = JSON.parse(readFileSync(output, 'utf8')) as ReturnType<typeof sampleCluster>;
    expect({ ...written, source: undefined, collectedAt: undefined }).toEqual(sampleCluster());
    expect(axl.server.requests.filter((request) => request.operation === 'getIlsConfig')).toHaveLength(1);
  });

  it('401 → exit 2 with one clear line, no stack trace, no password', async () => {
    const { inventory, output } = await setup();
    process.env.AXL_PASS = 'not-the-right-one-xyz';
    const code = await runCollectCommand({ inventory, output, timeout: '5000' });
    expect(code).toBe(2);
    expect(stderr).toContain('HTTP 401 Unauthorized');
    expect(stderr.match(/HTTP 401/g)).toHaveLength(1);
    expect(stderr).not.toContain('not-the-right-one-xyz');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(output)).toBe(false);
  });

  it('an AXL fault on one operation → exit 1, the partial snapshot written, the section listed with its axlcode', async () => {
    const { inventory, output } = await setup({
      intercept: (request) =>
        request.operation === 'listRegion'
          ? { fault: { axlcode: 5003, message: 'You do not have the privilege to read Region' } }
          : undefined,
    });
    expect(await runCollectCommand({ inventory, output, timeout: '5000' })).toBe(1);
    expect(stderr).toContain('incomplete: 1 section could not be read');
    expect(stderr).toMatch(/ {2}regions: .*axlcode 5003.*You do not have the privilege to read Region/);
    const written = JSON.parse(readFileSync(output, 'utf8')) as CucmSnapshot;
    expect(written.unavailable).toEqual({ regions: expect.stringContaining('axlcode 5003') });
    expect(written.regions).toEqual([]);
    expect(written.phones).toEqual(sampleCluster().phones);
  });

  it('AXL not activated (404) → exit 2 naming Service Activation', async () => {
    const { inventory, output } = await setup({ axlActivated: false });
    expect(await runCollectCommand({ inventory, output, timeout: '5000' })).toBe(2);
    expect(stderr).toContain('Cisco Unified Serviceability > Tools > Service Activation');
  });

  it('one slow list → exit 1 naming the section and the timeout; a slow CUCM altogether → exit 2', async () => {
    const { inventory, output } = await setup({
      intercept: (request) => (request.operation === 'listPhone' ? { delayMs: 5000 } : undefined),
    });
    expect(await runCollectCommand({ inventory, output, timeout: '300' })).toBe(1);
    expect(stderr).toMatch(/ {2}phones: .*listPhone.*within 300 ms \(timeout\)/);
    expect(existsSync(output)).toBe(true);

    stderr = '';
    await axl!.stop();
    const slow = await setup({ intercept: () => ({ delayMs: 5000 }) });
    expect(await runCollectCommand({ inventory: slow.inventory, output: slow.output, timeout: '300' })).toBe(2);
    expect(stderr).toContain('within 300 ms (timeout)');
    expect(existsSync(slow.output)).toBe(false);
  });

  it('TLS verification failure and an unreachable publisher → exit 2, no file', async () => {
    const { output } = await setup();
    const untrusted = join(axl!.dir, 'untrusted.yaml');
    const { caFile: _caFile, ...withoutCa } = axl!.axl;
    writeFileSync(untrusted, stringify({ domains: ['example.com'], cucm: { axl: withoutCa, mraDevicePools: [] } }));
    expect(await runCollectCommand({ inventory: untrusted, output, timeout: '2000' })).toBe(2);
    expect(stderr).toContain('TLS verification failed');
    expect(existsSync(output)).toBe(false);

    stderr = '';
    const port = axl!.server.port;
    await axl!.server.close();
    const closed = join(axl!.dir, 'closed.yaml');
    writeFileSync(
      closed,
      stringify({ domains: ['example.com'], cucm: { axl: { ...axl!.axl, url: `https://127.0.0.1:${port}/axl/` } } }),
    );
    expect(await runCollectCommand({ inventory: closed, output, timeout: '2000' })).toBe(2);
    expect(stderr).toContain('connection refused');
    expect(existsSync(output)).toBe(false);
  });

  it('an inventory without cucm.axl → exit 2 with the file and JSON path', async () => {
    const { inventory, output } = await setup({}, { snapshot: 'x.json', mraDevicePools: [] });
    expect(await runCollectCommand({ inventory, output, timeout: '5000' })).toBe(2);
    expect(stderr).toContain(`${inventory}: $.cucm.axl: is not set`);
  });

  it('an unset password variable → exit 2 naming the variable', async () => {
    const { inventory, output } = await setup();
    delete process.env.AXL_PASS;
    expect(await runCollectCommand({ inventory, output, timeout: '5000' })).toBe(2);
    expect(stderr).toContain('environment variable AXL_PASS (cucm.axl.passwordEnv) is not set or empty');
  });

  it('bad flags and a missing output folder → exit 2', async () => {
    const { inventory, output } = await setup();
    expect(await runCollectCommand({ inventory, output, timeout: 'soon' })).toBe(2);
    expect(stderr).toContain('--timeout soon');
    expect(
      await runCollectCommand({ inventory, output: join(axl!.dir, 'no', 'such', 'dir', 'out.json'), timeout: '5000' }),
    ).toBe(2);
    expect(stderr).toContain('does not exist');
  });
});
