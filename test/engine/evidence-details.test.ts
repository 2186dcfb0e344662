import { describe, expect, it } from 'vitest';
import { capEvidence, MAX_LIST_ENTRIES } from '../../src/engine/evidence.js';
import { MAX_ARGUMENT_LENGTH, renderMessage } from '../../src/engine/message.js';

/** Evidence and message caps at their exact bounds (SPEC 8.4). */
describe('capEvidence', () => {
  it('cuts objects nested deeper than twelve levels, counting each object level', () => {
    type Nested = { next?: Nested; leaf?: string };
    const deep: Nested = { leaf: 'bottom' };
    let top: Nested = deep;
    for (let level = 0; level < 13; level++) top = { next: top };
    let reached: unknown = capEvidence({ top });
    const path: string[] = [];
    while (typeof reached === 'object' && reached !== null) {
      const record = reached as Record<string, unknown>;
      const key = 'top' in record ? 'top' : 'next';
      path.push(key);
      reached = record[key];
    }
    // evidence is depth 0, `top` depth 1, so the twelfth level down is replaced.
    expect(path).toHaveLength(12);
    expect(reached).toBe('(nested too deep)');
  });

  it('cuts lists nested deeper than twelve levels, counting each list level', () => {
    let nested: unknown = 'bottom';
    for (let level = 0; level < 12; level++) nested = [nested];
    let reached: unknown = capEvidence({ nested }).nested;
    let depth = 1;
    while (Array.isArray(reached)) {
      reached = reached[0];
      depth++;
    }
    expect(depth).toBe(12);
    expect(reached).toBe('(nested too deep)');
  });

  it('keeps only the first 50 keys when even the tightest limits exceed the budget', () => {
    const evidence = Object.fromEntries(
      Array.from({ length: 60 }, (_, index) => [`key${String(index).padStart(2, '0')}`, 'v'.repeat(100)]),
    );
    const capped = capEvidence(evidence, 100);
    expect(capped.truncated).toBe('the evidence exceeded 100 bytes even when shortened');
    expect(capped.keys).toEqual(Object.keys(evidence).slice(0, MAX_LIST_ENTRIES));
    expect(capped.keys).toHaveLength(50);
  });
});

describe('renderMessage', () => {
  it('keeps an argument of exactly 500 characters whole and cuts one of 501', () => {
    const exact = 'a'.repeat(MAX_ARGUMENT_LENGTH);
    expect(renderMessage('[{value}]', { value: exact })).toBe(`[${exact}]`);
    expect(renderMessage('[{value}]', { value: `${exact}b` })).toBe(`[${exact}… (1 more characters in the evidence)]`);
  });
});
