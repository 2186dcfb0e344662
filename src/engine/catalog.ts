import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from './package-root.js';
import type { Area, Severity } from './types.js';

/**
 * One rule's specification (rules/<id>.yaml), Zonemaster-style: what must hold, why, how it is
 * tested, how to fix it and where the seed chapter says so. Checks carry code; this carries prose.
 */
export interface RuleEntry {
  id: string;
  slug: string;
  area: Area;
  severity: Severity;
  title: string;
  rationale: string;
  procedure: string[];
  remediation: string;
  /** Seed chapter section + step, e.g. "모바일 및 원격 액세스 사전 요건 > DNS 요구 사항". */
  source: string;
  /** The one declared exception to a single severity: severity by message id (MRA-CERT-004). */
  messageSeverity?: Record<string, Severity>;
  /** `planned`: listed, but no check behind it yet; it produces no findings. */
  state: 'implemented' | 'planned';
}

export const RULES_DIR = join(PACKAGE_ROOT, 'rules');

let cached: RuleEntry[] | undefined;

export function loadCatalog(dir = RULES_DIR): RuleEntry[] {
  if (dir === RULES_DIR && cached) return cached;
  const entries = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const entry = parse(readFileSync(join(dir, file), 'utf8')) as RuleEntry;
      entry.procedure ??= [];
      entry.state ??= 'implemented';
      return entry;
    });
  if (dir === RULES_DIR) cached = entries;
  return entries;
}

/** Finds a rule by permanent id or slug (both accepted on the command line and in the inventory). */
export function findRule(catalog: readonly RuleEntry[], idOrSlug: string): RuleEntry | undefined {
  const key = idOrSlug.trim();
  return catalog.find((rule) => rule.id === key.toUpperCase() || rule.slug === key.toLowerCase());
}
