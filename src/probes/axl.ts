import { readFileSync } from 'node:fs';
import type { CucmSnapshot } from '../cucm/snapshot.js';
import type { ServiceOptions } from '../engine/services.js';

/** The snapshot, or why there is none (the checks turn a failure into inconclusive findings). */
export type SnapshotResult =
  | { ok: true; snapshot: CucmSnapshot; origin: string }
  | { ok: false; reason: string };

/** The CUCM configuration of the run: from a snapshot file, a BAT CSV export, or live AXL. */
export interface CucmSource {
  /** Loaded (or collected) once per run; every CUCM check shares the result. */
  snapshot(): Promise<SnapshotResult>;
  close?(): Promise<void>;
}

/** Placeholder until the CUCM area lands: reads a snapshot file as it is. */
export function createCucmSource(options: ServiceOptions): CucmSource {
  let cached: Promise<SnapshotResult> | undefined;
  return {
    snapshot() {
      cached ??= (async (): Promise<SnapshotResult> => {
        const file = options.inventory.cucm.snapshot;
        if (!file) return { ok: false, reason: 'no snapshot file' };
        return { ok: true, snapshot: JSON.parse(readFileSync(file, 'utf8')) as CucmSnapshot, origin: `file ${file}` };
      })();
      return cached;
    },
  };
}
