import type { Evidence } from '../checks/rule.js';

/**
 * SPEC 8.4: evidence is bounded whatever a peer sends. A resolver answering with thousands of
 * records, a TLS peer with a long chain or an AXL server with a huge table must not turn one
 * finding into megabytes of report: every list keeps its first entries and says how many it
 * dropped, every string is cut with a note, and one finding's JSON stays under a ceiling.
 */
export const MAX_LIST_ENTRIES = 50;
export const MAX_STRING_LENGTH = 2000;
export const MAX_FINDING_BYTES = 64 * 1024;
/** Deeper structures than this are not evidence anyone re-checks by hand. */
const MAX_DEPTH = 12;

interface Limits {
  entries: number;
  length: number;
}

function capString(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

function capValue(value: unknown, limits: Limits, depth: number): unknown {
  if (typeof value === 'string') return capString(value, limits.length);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '(nested too deep)';
  if (Array.isArray(value)) {
    const kept = value.slice(0, limits.entries).map((item) => capValue(item, limits, depth + 1));
    return value.length > limits.entries ? [...kept, { omitted: value.length - limits.entries }] : kept;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const kept = entries
    .slice(0, limits.entries)
    .map(([key, item]) => [capString(key, 200), capValue(item, limits, depth + 1)]);
  const capped = Object.fromEntries(kept) as Record<string, unknown>;
  if (entries.length > limits.entries) capped.omittedKeys = entries.length - limits.entries;
  return capped;
}

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

/**
 * The evidence as the report carries it. Lists beyond 50 entries end with `{ omitted: N }`;
 * strings beyond 2,000 characters end with a note; when the whole still exceeds the finding's
 * budget, tighter limits apply, and as a last resort only the keys remain.
 */
export function capEvidence(evidence: Evidence, budgetBytes = MAX_FINDING_BYTES): Evidence {
  for (const limits of [
    { entries: MAX_LIST_ENTRIES, length: MAX_STRING_LENGTH },
    { entries: 10, length: 200 },
    { entries: 3, length: 80 },
  ]) {
    const capped = capValue(evidence, limits, 0) as Evidence;
    if (bytesOf(capped) <= budgetBytes) return capped;
  }
  return {
    truncated: `the evidence exceeded ${budgetBytes} bytes even when shortened`,
    keys: Object.keys(evidence).slice(0, MAX_LIST_ENTRIES),
  };
}
