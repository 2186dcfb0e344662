import { AxlClient, axlOptionsFromInventory } from '../probes/axl/client.js';
import { collectSnapshot, getCcmVersion } from './collect.js';
import { AxlError, type AxlFailureKind } from '../probes/axl/errors.js';
import { redact } from '../probes/https.js';
import { importBatPhones, mergeBatPhones } from './bat.js';
import { loadSnapshotFile } from './snapshot-file.js';
import type { Inventory } from '../inventory/types.js';
import type { CucmSnapshot } from './snapshot.js';
import type { ProbeOptions } from '../probes/options.js';

/** The snapshot, or why there is none (the checks turn a failure into inconclusive findings). */
export type SnapshotResult = { ok: true; snapshot: CucmSnapshot; origin: string } | { ok: false; reason: string };

/**
 * An authenticated getCCMVersion against the live AXL URL (MRA-CUCM-001). Facts only: the URL,
 * the HTTP status, the version; on failure the typed kind and a message that names no secret.
 */
export type AxlVersionResult =
  | { ok: true; url: string; status: number; version: string; durationMs: number; insecure: boolean }
  | {
      ok: false;
      url: string;
      kind: AxlFailureKind;
      reason: string;
      status?: number;
      axlcode?: string;
      durationMs: number;
      insecure: boolean;
    };

/**
 * The CUCM configuration of the run: from a snapshot file, a BAT CSV export, or live AXL.
 *
 * Contract note for the CUCM rules (added by the AXL side): `axlVersion()` exists when the
 * inventory has `cucm.axl` and the run is online; it answers undefined otherwise. Fakes in tests
 * may leave it out — MRA-CUCM-001 then judges the snapshot's service list.
 */
export interface CucmSource {
  /** Loaded (or collected) once per run; every CUCM check shares the result. */
  snapshot(): Promise<SnapshotResult>;
  /** Live liveness probe of AXL (cached per run); undefined when there is no live AXL. */
  axlVersion?(): Promise<AxlVersionResult | undefined>;
  close?(): Promise<void>;
}

function reasonOf(error: unknown, secrets: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  return redact(message, secrets);
}

/**
 * The offline CUCM inputs (snapshot file, then BAT phones merged in), or undefined when the
 * inventory names neither. Throws InputError naming the file and JSON path or row: `check` calls
 * it before the scan so that a bad export stops the run with exit 2, like a bad inventory.
 */
export function loadCucmFiles(inventory: Inventory): { snapshot: CucmSnapshot; origin: string } | undefined {
  const { snapshot: file, batPhones } = inventory.cucm;
  let snapshot: CucmSnapshot | undefined;
  const origins: string[] = [];
  if (file) {
    snapshot = loadSnapshotFile(file);
    origins.push(`file ${file}`);
  }
  if (batPhones) {
    snapshot = mergeBatPhones(snapshot, importBatPhones(batPhones));
    origins.push(`bat ${batPhones}`);
  }
  return snapshot ? { snapshot, origin: origins.join(' + ') } : undefined;
}

export interface CucmSourceOptions extends ProbeOptions {
  /** Offline inputs already read and validated (so a bad file stops the run before it starts). */
  inputs?: { cucmFiles?: { snapshot: CucmSnapshot; origin: string } };
}

export function createCucmSource(options: CucmSourceOptions): CucmSource {
  const { inventory, env } = options;
  const axl = inventory.cucm.axl;
  const passwordEnv = axl?.passwordEnv;
  const secrets = passwordEnv && env[passwordEnv] ? [env[passwordEnv]!] : [];
  let client: AxlClient | undefined;
  let clientError: AxlError | undefined;
  let snapshotResult: Promise<SnapshotResult> | undefined;
  let versionResult: Promise<AxlVersionResult | undefined> | undefined;

  const liveClient = (): AxlClient => {
    if (client) return client;
    if (clientError) throw clientError;
    try {
      client = new AxlClient(
        axlOptionsFromInventory(axl!, env, {
          timeoutMs: options.timeoutMs,
          signal: options.signal,
          runLimiter: options.limiter,
          // Two retries with short backoff keep a 503-answering publisher within 4 x --timeout.
          retries: 2,
          retryBaseMs: Math.min(500, Math.floor(options.timeoutMs / 4)),
        }),
      );
      return client;
    } catch (error) {
      clientError = error instanceof AxlError ? error : new AxlError('config', reasonOf(error, secrets));
      throw clientError;
    }
  };

  const load = async (): Promise<SnapshotResult> => {
    try {
      const files = options.inputs?.cucmFiles ?? loadCucmFiles(inventory);
      if (files) return { ok: true, ...files };
      if (!axl)
        return { ok: false, reason: 'no CUCM source in the inventory (cucm.axl, cucm.snapshot or cucm.batPhones)' };
      if (options.offline) return { ok: false, reason: 'offline run (--offline): no live AXL collection' };
      const live = liveClient();
      return { ok: true, snapshot: await collectSnapshot(live), origin: `axl ${live.url}` };
    } catch (error) {
      return { ok: false, reason: reasonOf(error, secrets) };
    }
  };

  const probeVersion = async (): Promise<AxlVersionResult | undefined> => {
    if (!axl || options.offline) return undefined;
    const insecure = axl.insecure === true;
    const started = performance.now();
    try {
      const { version, status, durationMs } = await getCcmVersion(liveClient());
      return { ok: true, url: axl.url, status, version, durationMs, insecure };
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      if (error instanceof AxlError) {
        return {
          ok: false,
          url: axl.url,
          kind: error.kind,
          reason: redact(error.message, secrets),
          ...(error.details.status !== undefined ? { status: error.details.status } : {}),
          ...(error.details.fault?.axlcode !== undefined ? { axlcode: error.details.fault.axlcode } : {}),
          durationMs,
          insecure,
        };
      }
      return { ok: false, url: axl.url, kind: 'network', reason: reasonOf(error, secrets), durationMs, insecure };
    }
  };

  return {
    snapshot() {
      snapshotResult ??= load();
      return snapshotResult;
    },
    axlVersion() {
      versionResult ??= probeVersion();
      return versionResult;
    },
    async close() {
      await client?.close();
    },
  };
}
