import { AxlClient, axlOptionsFromInventory } from '../probes/axl/client.js';
import { collectSnapshot, getCcmVersion } from './collect.js';
import { AxlError, type AxlFailureKind } from '../probes/axl/errors.js';
import { redact } from '../probes/https.js';
import { importBatPhones, mergeBatPhones } from './bat.js';
import { loadSnapshotFile } from './snapshot-file.js';
import type { Inventory } from '../inventory/types.js';
import { emptySnapshot, SNAPSHOT_SECTIONS, type CucmSnapshot, type SnapshotSection } from './snapshot.js';
import type { ProbeOptions } from '../probes/options.js';

/** Why there is no snapshot at all: no source in the inventory, an offline run, or the AXL failure. */
export type SnapshotFailureKind = 'no-source' | 'offline' | AxlFailureKind;

/**
 * The snapshot, or why there is none. `ok: false` only when nothing could be read at all (401, TLS
 * verification, unreachable, AXL not activated, no source): one reason that names no secret. A
 * section that could not be read is not a failure of the whole: it is in `snapshot.unavailable`.
 */
export type SnapshotResult =
  | { ok: true; snapshot: CucmSnapshot; origin: string }
  /** `kind` is optional only until the test fakes in test/checks set it. */
  | { ok: false; reason: string; kind?: SnapshotFailureKind };

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
 * The engine asks for the sections its selected rules declare. Live, only those are requested
 * (SPEC 8.2); a section that is not asked for is empty in the snapshot and listed in
 * `notCollected`, and the engine never reads it. A section asked for that the source cannot give
 * (its requests failed, or a snapshot file was written without it) is in `unavailable` with the
 * reason. BAT-only sources keep marking what a phone export lacks in `absentSections`.
 */
export interface CucmSource {
  /**
   * Loads or collects, once per run, the union of the sections asked for; later calls with a
   * subset reuse it, and a later call with new sections collects only those. Without `sections`:
   * every section, ILS only when the inventory has more than one cluster (MRA-CUCM-012 is the
   * only reader of ILS).
   */
  snapshot(sections?: ReadonlySet<SnapshotSection>): Promise<SnapshotResult>;
  /**
   * Live authenticated getCCMVersion (MRA-CUCM-001), cached per run; undefined without live AXL.
   * Optional here only until the test fakes in test/cert and test/checks/cert implement it.
   */
  axlVersion?(): Promise<AxlVersionResult | undefined>;
  close?(): Promise<void>;
}

/** Every section, ILS only with more than one cluster: what `collect` and a full scan ask for. */
export function defaultSections(inventory: Inventory): ReadonlySet<SnapshotSection> {
  return new Set(SNAPSHOT_SECTIONS.filter((section) => section !== 'ils' || inventory.clusters > 1));
}

/**
 * A loaded snapshot as a run that asks for `sections` sees it: a section the file was written
 * without (`notCollected`) is unavailable, with the reason, instead of an empty list that would
 * read as "none configured".
 */
export function askedOf(snapshot: CucmSnapshot, origin: string, sections: ReadonlySet<SnapshotSection>): CucmSnapshot {
  const missing = (snapshot.notCollected ?? []).filter((section) => sections.has(section));
  if (missing.length === 0) return snapshot;
  const unavailable = { ...snapshot.unavailable };
  for (const section of missing)
    unavailable[section] ??= `${origin} does not hold ${section}: it was not collected when the snapshot was written`;
  return { ...snapshot, unavailable };
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
  return new LazyCucmSource(options);
}

/** Where the snapshot comes from, decided once: offline files, live AXL, or no source (and why). */
type Plan =
  | { kind: 'files'; snapshot: CucmSnapshot; origin: string }
  | { kind: 'live' }
  | { kind: 'none'; result: SnapshotResult };

/** Reads the CUCM configuration once, section by section as rules ask for it. */
class LazyCucmSource implements CucmSource {
  private readonly axl: Inventory['cucm']['axl'];
  private readonly secrets: string[];
  private client: AxlClient | undefined;
  private clientError: AxlError | undefined;
  private versionResult: Promise<AxlVersionResult | undefined> | undefined;
  private plan: Plan | undefined;
  /** Live: the sections collected so far, merged; each section maps to the collection that reads it. */
  private current = emptySnapshot({ notCollected: [...SNAPSHOT_SECTIONS] });
  private readonly pending = new Map<SnapshotSection, Promise<SnapshotResult | undefined>>();

  constructor(private readonly options: CucmSourceOptions) {
    this.axl = options.inventory.cucm.axl;
    const passwordEnv = this.axl?.passwordEnv;
    this.secrets = passwordEnv && options.env[passwordEnv] ? [options.env[passwordEnv]] : [];
  }

  async snapshot(sections = defaultSections(this.options.inventory)): Promise<SnapshotResult> {
    this.plan ??= this.planOf();
    const plan = this.plan;
    if (plan.kind === 'none') return plan.result;
    if (plan.kind === 'files')
      return { ok: true, snapshot: askedOf(plan.snapshot, plan.origin, sections), origin: plan.origin };
    const missing = new Set([...sections].filter((section) => !this.pending.has(section)));
    if (missing.size > 0) {
      const run = this.collectLive(missing);
      for (const section of missing) this.pending.set(section, run);
    }
    const outcomes = await Promise.all([...sections].map((section) => this.pending.get(section)));
    const failed = outcomes.find((outcome) => outcome !== undefined);
    if (failed) return failed;
    return { ok: true, snapshot: this.current, origin: this.current.source ?? `axl ${this.axl!.url}` };
  }

  axlVersion(): Promise<AxlVersionResult | undefined> {
    this.versionResult ??= this.probeVersion();
    return this.versionResult;
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  private liveClient(): AxlClient {
    if (this.client) return this.client;
    if (this.clientError) throw this.clientError;
    const { options } = this;
    try {
      this.client = new AxlClient(
        axlOptionsFromInventory(this.axl!, options.env, {
          timeoutMs: options.timeoutMs,
          signal: options.signal,
          runLimiter: options.limiter,
          // Two retries with short backoff keep a 503-answering publisher within 4 x --timeout.
          retries: 2,
          retryBaseMs: Math.min(500, Math.floor(options.timeoutMs / 4)),
        }),
      );
      return this.client;
    } catch (error) {
      this.clientError = error instanceof AxlError ? error : new AxlError('config', reasonOf(error, this.secrets));
      throw this.clientError;
    }
  }

  private planOf(): Plan {
    try {
      const files = this.options.inputs?.cucmFiles ?? loadCucmFiles(this.options.inventory);
      if (files) return { kind: 'files', ...files };
    } catch (error) {
      return { kind: 'none', result: { ok: false, kind: 'config', reason: reasonOf(error, this.secrets) } };
    }
    if (!this.axl) {
      const reason = 'no CUCM source in the inventory (cucm.axl, cucm.snapshot or cucm.batPhones)';
      return { kind: 'none', result: { ok: false, kind: 'no-source', reason } };
    }
    if (this.options.offline) {
      const reason = 'offline run (--offline): no live AXL collection';
      return { kind: 'none', result: { ok: false, kind: 'offline', reason } };
    }
    return { kind: 'live' };
  }

  /** Collects `missing` and merges it into `current`; answers the failure when nothing could be read. */
  private async collectLive(missing: ReadonlySet<SnapshotSection>): Promise<SnapshotResult | undefined> {
    let collected: CucmSnapshot;
    try {
      collected = await collectSnapshot(this.liveClient(), { sections: missing });
    } catch (error) {
      const kind = error instanceof AxlError ? error.kind : 'network';
      return { ok: false, kind, reason: reasonOf(error, this.secrets) };
    }
    this.current = mergeSections(this.current, collected, missing, this.secrets);
    return undefined;
  }

  private async probeVersion(): Promise<AxlVersionResult | undefined> {
    const axl = this.axl;
    if (!axl || this.options.offline) return undefined;
    const insecure = axl.insecure === true;
    const started = performance.now();
    try {
      const { version, status, durationMs } = await getCcmVersion(this.liveClient());
      return { ok: true, url: axl.url, status, version, durationMs, insecure };
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      if (!(error instanceof AxlError))
        return {
          ok: false,
          url: axl.url,
          kind: 'network',
          reason: reasonOf(error, this.secrets),
          durationMs,
          insecure,
        };
      return {
        ok: false,
        url: axl.url,
        kind: error.kind,
        reason: redact(error.message, this.secrets),
        ...(error.details.status !== undefined ? { status: error.details.status } : {}),
        ...(error.details.fault?.axlcode !== undefined ? { axlcode: error.details.fault.axlcode } : {}),
        durationMs,
        insecure,
      };
    }
  }
}

/** `current` with the sections of `collected` named in `missing` (their unavailability reasons redacted). */
function mergeSections(
  current: CucmSnapshot,
  collected: CucmSnapshot,
  missing: ReadonlySet<SnapshotSection>,
  secrets: readonly string[],
): CucmSnapshot {
  const sections: Partial<CucmSnapshot> = {};
  const unavailable = { ...current.unavailable };
  for (const section of missing) {
    (sections as Record<SnapshotSection, unknown>)[section] = collected[section];
    const reason = collected.unavailable?.[section];
    if (reason !== undefined) unavailable[section] = redact(reason, secrets);
  }
  const notCollected = (current.notCollected ?? []).filter((section) => !missing.has(section));
  const { unavailable: _u, notCollected: _n, ...rest } = current;
  return {
    ...rest,
    ...sections,
    version: current.version === 'unknown' ? collected.version : current.version,
    source: collected.source!,
    collectedAt: collected.collectedAt!,
    ...(Object.keys(unavailable).length > 0 ? { unavailable } : {}),
    ...(notCollected.length > 0 ? { notCollected } : {}),
  };
}
