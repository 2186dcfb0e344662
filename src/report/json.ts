import type { Report } from '../engine/types.js';
import { joinChunks, jsonWithArray, type Chunks } from './stream.js';

/**
 * The canonical report (schema/report.schema.json) as pieces: byte for byte
 * `JSON.stringify(report, null, 2)`, with the findings stringified one at a time.
 */
export function* jsonChunks(report: Report): Chunks {
  yield* jsonWithArray((marker) => ({ ...report, findings: marker }), report.findings);
  yield '\n';
}

/** The canonical report as one string; every other format is rendered from the same object. */
export function renderJson(report: Report): string {
  return joinChunks(jsonChunks(report));
}
