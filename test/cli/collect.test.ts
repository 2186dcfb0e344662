import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { AxlServerOptions } from '../../lab/axl-server.js';
import { runCollectCommand } from '../../src/cli/collect.js';
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
  it('writes the snapshot collected over AXL and exits 0', async () => {
    const { inventory, output } = await setup();
    const code = await runCollectCommand({ inventory, output, timeout: '5000' });
    expect(code).toBe(0);
    const written = JSON.parse(readFileSync(output, 'utf8')) as ReturnType<typeof sampleCluster>;
    expect({ ...written, source: undefined, collectedAt: undefined }).toEqual(sampleCluster());
    expect(written.source).toBe(`axl ${axl!.url}`);
    expect(stderr).toContain('wrote');
    expect(stderr).toContain('3 phones');
    expect(readFileSync(output, 'utf8')).not.toContain(AXL_PASSWORD);
    expect(stderr).not.toContain(AXL_PASSWORD);
  });

  it('401 → exit 2 with one clear line, no stack trace, no password', async () => {
    const { inventory, output } = await setup();
    process.env.AXL_PASS = 'not-the-right-one-xyz';
    const code = await runCollectCommand({ inventory, output, timeout: '5000' });
    expect(code).toBe(2);
    expect(stderr).toContain('HTTP 401 Unauthorized');
    expect(stderr).not.toContain('not-the-right-one-xyz');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(output)).toBe(false);
  });

  it('an AXL fault → exit 2 showing the axlcode', async () => {
    const { inventory, output } = await setup({
      intercept: (request) =>
        request.operation === 'listRegion'
          ? { fault: { axlcode: 5003, message: 'You do not have the privilege to read Region' } }
          : undefined,
    });
    expect(await runCollectCommand({ inventory, output, timeout: '5000' })).toBe(2);
    expect(stderr).toContain('axlcode 5003');
    expect(stderr).toContain('You do not have the privilege to read Region');
  });

  it('AXL not activated (404) → exit 2 naming Service Activation', async () => {
    const { inventory, output } = await setup({ axlActivated: false });
    expect(await runCollectCommand({ inventory, output, timeout: '5000' })).toBe(2);
    expect(stderr).toContain('Cisco Unified Serviceability > Tools > Service Activation');
  });

  it('a slow CUCM → exit 2 with a timeout message', async () => {
    const { inventory, output } = await setup({
      intercept: (request) => (request.operation === 'listPhone' ? { delayMs: 5000 } : undefined),
    });
    expect(await runCollectCommand({ inventory, output, timeout: '300' })).toBe(2);
    expect(stderr).toContain('listPhone');
    expect(stderr).toContain('within 300 ms (timeout)');
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
