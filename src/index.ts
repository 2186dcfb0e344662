/**
 * mra-preflight as a library: load the catalog and an inventory, run the rules, render reports.
 *
 *   const catalog = await loadCatalog();
 *   const inventory = loadInventory('mra-preflight.yaml', new Set(ruleNames(catalog.entries)));
 *   const report = await runScan({ inventory, catalog, vantage: 'internal' });
 *   process.stdout.write(RENDERERS.text(report, { color: false }));
 */
export { applyBaseline, baselineFindings, type Baseline } from './engine/baseline.js';
export { findRule, loadCatalog, matchRule, ruleNames, type Catalog, type CatalogEntry } from './engine/catalog.js';
export { mergeReports } from './engine/merge.js';
export { fingerprint, runScan, type ProgressEvent, type ScanOptions } from './engine/run.js';
export { failsGate, gateExitCode, summarize, type FailOn } from './engine/summary.js';
export * from './engine/types.js';
export { createServices, type ServiceOptions } from './checks/services.js';
export {
  defineRule,
  type CheckContext,
  type CheckFinding,
  type Rule,
  type RuleMeta,
  type Services,
} from './checks/rule.js';
export { loadInventory, normalizeInventory, parseStructuredText } from './inventory/load.js';
export { InputError, type Problem } from './inventory/problems.js';
export type { Inventory, InventoryNode, Policy } from './inventory/types.js';
export type { CucmSnapshot } from './cucm/snapshot.js';
export { RENDERERS, type ReportFormat } from './report/index.js';
