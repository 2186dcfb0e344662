import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CucmSnapshot } from '../../../src/cucm/snapshot.js';
import type { CucmSource } from '../../../src/cucm/source.js';
import { PACKAGE_ROOT } from '../../../src/package/root.js';

export const CUCM_FIXTURES = join(PACKAGE_ROOT, 'fixtures', 'cucm');

/** Path of fixtures/cucm/<name>.json (compliant) or fixtures/cucm/faults/<name>.json. */
export function snapshotFixture(name: string): string {
  return name === 'compliant' ? join(CUCM_FIXTURES, 'compliant.json') : join(CUCM_FIXTURES, 'faults', `${name}.json`);
}

/** A user-style inventory whose CUCM source is a snapshot fixture; MRA pool MRA_DP. */
export function cucmInventory(
  fixture: string,
  extra: Record<string, unknown> = {},
  pools: string[] = ['MRA_DP'],
): Record<string, unknown> {
  return {
    domains: ['example.com'],
    cucm: { snapshot: snapshotFixture(fixture), mraDevicePools: pools },
    clusters: 2,
    ...extra,
  };
}

export function readFixture(name: string): CucmSnapshot {
  return JSON.parse(readFileSync(snapshotFixture(name), 'utf8')) as CucmSnapshot;
}

/** A CUCM source serving an in-memory snapshot (edge cases the fixture files do not cover). */
export function fakeCucm(snapshot: CucmSnapshot, origin = 'test snapshot'): { cucm: CucmSource } {
  return { cucm: { snapshot: async () => ({ ok: true, snapshot, origin }) } };
}

export function failingCucm(reason: string): { cucm: CucmSource } {
  return { cucm: { snapshot: async () => ({ ok: false, reason }) } };
}
