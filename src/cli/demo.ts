import { resolve } from 'node:path';
import { copyFileSync } from 'node:fs';
import { loadCatalog } from '../engine/catalog.js';
import { runScan } from '../engine/run.js';
import { loadInventory } from '../inventory/load.js';
import { startLab } from '../../lab/index.js';
import { CHUNKERS, REPORT_FILE_NAMES, type ReportFormat } from '../report/index.js';
import { writeChunks } from '../report/stream.js';
import { knownRuleNames } from './check.js';
import { exitWithError } from './errors.js';
import { ensureFolder, useColor, writeReports } from './output.js';
import { createProgress } from './progress.js';

/**
 * Starts the embedded lab (servers on loopback with deliberate faults), scans it with every check,
 * writes every report format and stops the lab. Exits 0 whenever the scan completed: the findings
 * are the point of a demo; only `check` gates.
 */
export async function runDemoCommand(options: { out: string; debug?: boolean }): Promise<number> {
  const out = resolve(options.out);
  let lab: Awaited<ReturnType<typeof startLab>> | undefined;
  try {
    ensureFolder(out); // before the lab starts: a bad --out fails fast
    process.stderr.write('Starting the embedded lab on loopback...\n');
    lab = await startLab();
    const catalog = await loadCatalog();
    const inventory = loadInventory(lab.inventoryPath, knownRuleNames(catalog));
    const progress = createProgress(process.stderr, true);
    const report = await runScan({
      inventory,
      catalog,
      // The lab serves both views on loopback, so one run sees the inside and the edge.
      vantage: 'both',
      timeoutMs: 1500,
      env: { ...process.env, ...lab.env },
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    progress.end();
    const formats = (Object.keys(CHUNKERS) as ReportFormat[]).filter((format) => format !== 'text');
    const written = await writeReports(
      report,
      formats.map((format) => ({ format, path: resolve(out, REPORT_FILE_NAMES[format]) })),
      { quiet: false },
    );
    copyFileSync(lab.inventoryPath, resolve(out, 'lab-inventory.yaml'));
    await writeChunks(CHUNKERS.text(report, { color: useColor(process.stdout), quiet: true }), process.stdout);
    process.stdout.write('\nReports:\n');
    for (const path of [...written, resolve(out, 'lab-inventory.yaml')]) process.stdout.write(`  ${path}\n`);
    return 0;
  } catch (error) {
    exitWithError(error, options.debug ?? false);
    return 2;
  } finally {
    await lab?.stop();
  }
}
