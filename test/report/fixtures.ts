import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../src/engine/types.js';

export const FIXTURE_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');

/** A sample report from fixtures/reports (written by fixtures/reports/generate.mjs). */
export function loadReport(name: 'sample' | 'clean'): Report {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Report;
}

/** What a renderer may show of a string: C0 controls (but tab, LF, CR) are stripped. */
export const printable = (text: string): string =>
  // eslint-disable-next-line no-control-regex -- the renderers drop exactly these
  text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
