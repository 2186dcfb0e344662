import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { Area, MessageSpec, Prerequisite, Rule, RuleMeta } from '../checks/rule.js';
import { AREAS } from '../checks/rule.js';
import { PACKAGE_ROOT } from '../package/root.js';

/**
 * The rule catalog: every rule module under src/checks/<area>/ (found, not listed, so adding a
 * rule is one module, one prose file, one test and regenerated docs) joined with its prose in
 * rules/<id>.yaml. The pair is checked when the catalog loads: a prose file without a module, a
 * module without prose, a prerequisite naming an unknown rule or message are programming errors.
 */

/**
 * The prose of one rule (rules/<id>.yaml), Zonemaster-style: why, how it is tested, how to fix it, where it is
 * written.
 */
export interface RuleProse {
  rationale: string;
  procedure: string[];
  remediation: string;
  /** The chapter's section and step, or the public Cisco guide, that states the requirement. */
  source: string;
  /** A public page that documents the requirement (SARIF helpUri, the report's links). */
  helpUri: string;
}

/** A rule as `rules`, `explain`, the docs and the reports see it: metadata and prose, no code. */
export interface CatalogEntry extends Omit<RuleMeta, 'messages' | 'requires' | 'fixGroup' | 'appliesTo'>, RuleProse {
  messages: Record<string, MessageSpec>;
  requires: Prerequisite[];
}

export interface Catalog {
  entries: CatalogEntry[];
  /** Each entry's rule module, by id. */
  modules: ReadonlyMap<string, Rule>;
}

export const RULES_DIR = join(PACKAGE_ROOT, 'rules');
const CHECKS_DIR = fileURLToPath(new URL('../checks/', import.meta.url));

export class CatalogError extends Error {
  override name = 'CatalogError';
}

const isRule = (value: unknown): value is Rule =>
  typeof value === 'object' && value !== null && 'meta' in value && typeof (value as Rule).run === 'function';

/** Every rule module under src/checks/<area>/, in id order. Helper modules beside them are skipped. */
export async function discoverRules(dir = CHECKS_DIR): Promise<Rule[]> {
  const files = readdirSync(dir)
    .filter((area) => (AREAS as readonly string[]).includes(area) && statSync(join(dir, area)).isDirectory())
    .flatMap((area) =>
      readdirSync(join(dir, area))
        .filter((file) => /\.(js|ts)$/.test(file) && !file.endsWith('.d.ts'))
        .map((file) => join(dir, area, file)),
    );
  const modules = await Promise.all(
    files.map((file) => import(pathToFileURL(file).href) as Promise<{ default?: unknown }>),
  );
  return modules
    .map((module) => module.default)
    .filter(isRule)
    .sort((a, b) => a.meta.id.localeCompare(b.meta.id));
}

const PROSE_KEYS = ['rationale', 'procedure', 'remediation', 'source', 'helpUri'] as const;

export function readProse(id: string, dir = RULES_DIR): RuleProse {
  const file = join(dir, `${id}.yaml`);
  const data = parse(readFileSync(file, 'utf8')) as Partial<RuleProse> | null;
  const prose = data ?? {};
  const unknown = Object.keys(prose).filter((key) => !(PROSE_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0)
    throw new CatalogError(`${file}: unknown keys ${unknown.join(', ')} (prose only: ${PROSE_KEYS.join(', ')})`);
  for (const key of ['rationale', 'remediation', 'source', 'helpUri'] as const) {
    if (typeof prose[key] !== 'string' || prose[key].trim().length < 5)
      throw new CatalogError(`${file}: ${key} is missing`);
  }
  if (!/^https:\/\//.test(prose.helpUri!)) throw new CatalogError(`${file}: helpUri must be an https:// URL`);
  return {
    rationale: prose.rationale!,
    procedure: prose.procedure ?? [],
    remediation: prose.remediation!,
    source: prose.source!,
    helpUri: prose.helpUri!,
  };
}

export const normalizeMessages = (messages: RuleMeta['messages']): Record<string, MessageSpec> =>
  Object.fromEntries(
    Object.entries(messages).map(([id, spec]) => [
      id,
      typeof spec === 'string' ? { text: spec } : (spec as MessageSpec),
    ]),
  );

export const normalizePrerequisites = (requires: RuleMeta['requires']): Prerequisite[] =>
  (requires ?? []).map((item) => (typeof item === 'string' ? { rule: item } : item));

export function entryOf(rule: Rule, prose: RuleProse): CatalogEntry {
  const { messages, requires, fixGroup: _fixGroup, appliesTo: _appliesTo, ...meta } = rule.meta;
  return { ...meta, messages: normalizeMessages(messages), requires: normalizePrerequisites(requires), ...prose };
}

const ID_PATTERN = /^MRA-(DNS|NTP|CERT|CUCM|EXP|EDGE)-\d{3}$/;
const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The checks a catalog must pass before any rule runs. Returns every problem, one line each. */
export function catalogProblems(rules: readonly Rule[], proseIds: readonly string[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Rule>();
  const slugs = new Set<string>();
  for (const { meta } of rules) {
    if (!ID_PATTERN.test(meta.id)) problems.push(`${meta.id}: not a rule id (MRA-<AREA>-NNN)`);
    if (meta.id.split('-')[1]?.toLowerCase() !== meta.area)
      problems.push(`${meta.id}: area ${meta.area} does not match the id`);
    if (!SLUG_PATTERN.test(meta.slug)) problems.push(`${meta.id}: slug "${meta.slug}" is not kebab-case`);
    if (byId.has(meta.id)) problems.push(`${meta.id}: two modules`);
    if (slugs.has(meta.slug)) problems.push(`${meta.id}: slug ${meta.slug} is taken`);
    byId.set(meta.id, { meta } as Rule);
    slugs.add(meta.slug);
    if (Object.keys(meta.messages).length === 0) problems.push(`${meta.id}: declares no messages`);
    for (const [id, spec] of Object.entries(normalizeMessages(meta.messages))) {
      if (/^\s*skipped\b/i.test(spec.text))
        problems.push(`${meta.id}.${id}: a message does not say "Skipped": the status does`);
    }
  }
  for (const { meta } of rules) {
    for (const prerequisite of normalizePrerequisites(meta.requires)) {
      const other = byId.get(prerequisite.rule);
      if (!other) {
        problems.push(`${meta.id}: requires unknown rule ${prerequisite.rule}`);
        continue;
      }
      for (const message of prerequisite.messages ?? []) {
        if (!(message in other.meta.messages))
          problems.push(`${meta.id}: requires ${prerequisite.rule} message ${message}, which it does not declare`);
      }
    }
  }
  // Each rule waits for its prerequisites' findings: a cycle would have the run wait on itself.
  const settled = new Set<string>();
  const cycleFrom = (id: string, path: readonly string[]): string[] | undefined => {
    if (path.includes(id)) return [...path.slice(path.indexOf(id)), id];
    if (settled.has(id)) return undefined;
    for (const prerequisite of normalizePrerequisites(byId.get(id)?.meta.requires)) {
      const cycle = cycleFrom(prerequisite.rule, [...path, id]);
      if (cycle) return cycle;
    }
    settled.add(id);
    return undefined;
  };
  for (const id of byId.keys()) {
    const cycle = cycleFrom(id, []);
    if (!cycle) continue;
    problems.push(`${cycle[0]}: prerequisites form a cycle (${cycle.join(' -> ')})`);
    for (const member of cycle) settled.add(member);
  }
  for (const id of proseIds) if (!byId.has(id)) problems.push(`rules/${id}.yaml: no rule module declares ${id}`);
  for (const id of byId.keys()) if (!proseIds.includes(id)) problems.push(`${id}: no prose (rules/${id}.yaml)`);
  return problems;
}

/**
 * The catalog's entries as `npm run build` wrote them (dist/catalog.json): `rules` and `explain`
 * read this one file instead of importing every rule module and parsing 40 YAML files, so they
 * start as fast as `--version` (SPEC 8.10).
 */
export const BUILT_CATALOG = join(PACKAGE_ROOT, 'dist', 'catalog.json');

export async function catalogEntries(): Promise<CatalogEntry[]> {
  try {
    return JSON.parse(readFileSync(BUILT_CATALOG, 'utf8')) as CatalogEntry[];
  } catch {
    return (await loadCatalog()).entries;
  }
}

let cached: Promise<Catalog> | undefined;

/** The catalog of this installation, loaded once per process. Throws CatalogError on a broken pair. */
export function loadCatalog(): Promise<Catalog> {
  cached ??= (async () => {
    const rules = await discoverRules();
    const proseIds = readdirSync(RULES_DIR)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => file.replace(/\.yaml$/, ''));
    const problems = catalogProblems(rules, proseIds);
    if (problems.length > 0) throw new CatalogError(`the rule catalog is inconsistent:\n${problems.join('\n')}`);
    return {
      entries: rules.map((rule) => entryOf(rule, readProse(rule.meta.id))),
      modules: new Map(rules.map((rule) => [rule.meta.id, rule])),
    };
  })();
  return cached;
}

/**
 * Whether a rule answers to a name given on the command line or in the inventory: its permanent
 * id, its slug or its area, case-insensitively (MRA-DNS-002, uds-srv-not-external, dns).
 */
export function matchRule(entry: Pick<CatalogEntry, 'id' | 'slug' | 'area'>, name: string): boolean {
  const key = name.trim().toLowerCase();
  return entry.id.toLowerCase() === key || entry.slug === key || entry.area === key;
}

/** The one rule an id or slug names (areas name several rules, so they are not accepted here). */
export function findRule<T extends Pick<CatalogEntry, 'id' | 'slug'>>(
  entries: readonly T[],
  name: string,
): T | undefined {
  const key = name.trim().toLowerCase();
  return entries.find((entry) => entry.id.toLowerCase() === key || entry.slug === key);
}

/** Every name a rule answers to (ids, slugs, areas), for "did you mean" and validation. */
export function ruleNames(entries: readonly Pick<CatalogEntry, 'id' | 'slug' | 'area'>[]): string[] {
  return [...new Set(entries.flatMap((entry) => [entry.id, entry.slug, entry.area]))];
}

export const AREA_NAMES: readonly Area[] = AREAS;
