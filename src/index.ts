/**
 * mra-preflight as a library: load an inventory, run the checks, render reports.
 *
 *   const catalog = loadCatalog();
 *   const inventory = loadInventory('mra-preflight.yaml', new Set(catalog.flatMap((r) => [r.id, r.slug])));
 *   const report = await runScan({ inventory, catalog, checks: ALL_CHECKS });
 */
export { ALL_CHECKS } from './checks/index.js';
export { applyBaseline, baselineFingerprints } from './engine/baseline.js';
export { findRule, loadCatalog, type RuleEntry } from './engine/catalog.js';
export { fingerprint, gateExitCode, runScan, type ScanOptions, type ProgressEvent } from './engine/run.js';
export { createServices, type Services, type ServiceOptions } from './checks/services.js';
export * from './engine/types.js';
export { loadInventory, normalizeInventory, parseStructuredText } from './inventory/load.js';
export { InputError, type Problem } from './inventory/problems.js';
export type { Inventory, InventoryNode, Policy } from './inventory/types.js';
export type { CucmSnapshot } from './cucm/snapshot.js';
export { RENDERERS, type ReportFormat } from './report/index.js';
