import { defineRule, type Rule } from '../../src/checks/rule.js';
import { entryOf, type Catalog } from '../../src/engine/catalog.js';

/** Placeholder prose: the engine tests judge scheduling and bookkeeping, not the prose. */
const PROSE = { rationale: 'why', procedure: [], remediation: 'fix it', source: 'chapter', helpUri: 'https://x/' };

/** A private catalog of a test's own rules, in the order given. */
export function catalogOf(...rules: Rule[]): Catalog {
  return {
    entries: rules.map((rule) => entryOf(rule, PROSE)),
    modules: new Map(rules.map((rule) => [rule.meta.id, rule])),
  };
}

/** An internal-vantage rule of the id's area with two messages, `ok` and `bad`. */
export const testRule = (id: string, run: Rule['run'], extra: Partial<Rule['meta']> = {}): Rule =>
  defineRule({
    meta: {
      id,
      slug: `slug-${id.toLowerCase()}`,
      area: id.split('-')[1]!.toLowerCase() as 'dns',
      severity: 'error',
      title: `title ${id}`,
      vantage: 'internal',
      needs: [],
      scope: 'things',
      messages: { ok: 'Fine {x}.', bad: 'Bad {x}.' },
      ...extra,
    },
    run,
  });

/**
 * A rule for the catalog checks: its id, slug and area as given (the area of the id, `dns` when
 * the id has none), one message, no run.
 */
export const catalogRule = (id: string, slug: string, extra: Partial<Rule['meta']> = {}): Rule =>
  defineRule({
    meta: {
      id,
      slug,
      area: (id.split('-')[1]?.toLowerCase() ?? 'dns') as 'dns',
      severity: 'error',
      title: 'a title',
      vantage: 'internal',
      needs: [],
      scope: 'things',
      messages: { ok: 'Fine.' },
      ...extra,
    },
    run: async () => [],
  });
