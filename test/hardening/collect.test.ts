import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startHostileHttp, type HostileHttp, type HostileHttpBehaviour } from '../helpers/hostile/http.js';
import { buildCli, runCli, STACK_FRAME, type BuiltCli } from './built-cli.js';

/**
 * `collect` against a hostile AXL endpoint, run as a user would: each request is bounded by
 * --timeout and the response size cap, so the command ends with exit 2 and a one-line reason,
 * leaves no snapshot (or partial file) behind, prints no stack trace and no password.
 */
const BEHAVIOURS: HostileHttpBehaviour[] = [
  'drip-body',
  'stall',
  'huge-chunked',
  'huge-declared',
  'invalid-xml',
  'billion-laughs',
  'wrong-content-type',
  'redirect-loop',
  'reset',
  'unavailable-forever',
];
const PASSWORD = 'Collect-Hostile-Pa55-0451';

let cli: BuiltCli;
let dir: string;
const peers = new Map<HostileHttpBehaviour, HostileHttp>();

beforeAll(async () => {
  cli = buildCli();
  dir = mkdtempSync(join(tmpdir(), 'mra-preflight-collect-'));
  for (const behaviour of BEHAVIOURS) peers.set(behaviour, await startHostileHttp(behaviour, { flavour: 'soap' }));
}, 180_000);

afterAll(async () => {
  await Promise.all([...peers.values()].map((peer) => peer.stop()));
  cli?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('collect against a hostile AXL endpoint (built CLI)', () => {
  it.each(BEHAVIOURS)('%s: exit 2 with the reason, no snapshot, no stack trace, no password', async (behaviour) => {
    const peer = peers.get(behaviour)!;
    const folder = join(dir, behaviour);
    const inventory = join(dir, `${behaviour}.yaml`);
    writeFileSync(
      inventory,
      stringify({
        domains: ['example.com'],
        cucm: {
          axl: {
            url: `${peer.url}/axl/`,
            version: '15.0',
            usernameEnv: 'H_AXL_USER',
            passwordEnv: 'H_AXL_PASS',
            caFile: peer.caFile,
          },
        },
      }),
    );
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    const output = join(folder, 'snapshot.json');
    const result = await runCli(cli.main, ['collect', '-i', inventory, '-o', output, '--timeout', '1500'], {
      env: { H_AXL_USER: 'axl', H_AXL_PASS: PASSWORD },
    });
    expect(result.code).toBe(2);
    expect(peer.connections).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/^mra-preflight: collect: /m);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stderr + result.stdout).not.toContain(PASSWORD);
    expect(result.stderr + result.stdout).not.toContain(Buffer.from(`axl:${PASSWORD}`).toString('base64'));
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });
});
