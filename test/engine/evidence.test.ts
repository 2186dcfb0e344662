import { describe, expect, it } from 'vitest';
import { capEvidence, MAX_FINDING_BYTES, MAX_LIST_ENTRIES, MAX_STRING_LENGTH } from '../../src/engine/evidence.js';

/** SPEC 8.4 at its bounds: exactly at a limit nothing changes; one past it, the cut and the count. */
describe('capEvidence', () => {
  it('keeps a list of exactly 50 entries and cuts 51 to 50 plus { omitted: 1 }', () => {
    const fifty = Array.from({ length: MAX_LIST_ENTRIES }, (_, i) => i);
    expect(capEvidence({ list: fifty })).toEqual({ list: fifty });
    expect(capEvidence({ list: [...fifty, 50] })).toEqual({ list: [...fifty, { omitted: 1 }] });
  });

  it('keeps a string of exactly 2,000 characters and cuts 2,001 with a note', () => {
    const exact = 'a'.repeat(MAX_STRING_LENGTH);
    expect(capEvidence({ text: exact })).toEqual({ text: exact });
    expect(capEvidence({ text: `${exact}bc` })).toEqual({ text: `${exact}… (2 more characters)` });
  });

  it('keeps 50 keys of an object, counts the others, and cuts a huge key', () => {
    const many = Object.fromEntries(Array.from({ length: 52 }, (_, i) => [`k${i}`, i]));
    const capped = capEvidence({ many }).many as Record<string, unknown>;
    expect(Object.keys(capped)).toHaveLength(51);
    expect(capped.k49).toBe(49);
    expect(capped).not.toHaveProperty('k50');
    expect(capped.omittedKeys).toBe(2);
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(capEvidence({ fifty })).toEqual({ fifty });
    const key = 'k'.repeat(300);
    expect(Object.keys(capEvidence({ [key]: 1 }))).toEqual([`${'k'.repeat(200)}… (100 more characters)`]);
  });

  it('keeps numbers, booleans and null as they are, at any depth up to twelve levels', () => {
    const leaf = { n: 1.5, t: true, f: false, z: null, s: 'x' };
    expect(capEvidence({ a: { b: [leaf] } })).toEqual({ a: { b: [leaf] } });
    let deep: Record<string, unknown> = { bottom: 'here' };
    for (let i = 0; i < 11; i++) deep = { down: deep };
    // Twelve objects deep is kept; one more level becomes a note.
    const kept = JSON.stringify(capEvidence(deep));
    expect(kept).toContain('"bottom":"here"');
    const deeper = JSON.stringify(capEvidence({ down: deep }));
    expect(deeper).not.toContain('bottom');
    expect(deeper).toContain('"(nested too deep)"');
  });

  it('tightens the limits when the whole is still over the budget, then keeps only the keys', () => {
    const big = { list: Array.from({ length: 50 }, () => 'y'.repeat(1900)) };
    const first = capEvidence(big, 20_000);
    expect((first.list as string[]).length).toBe(11);
    expect((first.list as string[])[0]).toBe(`${'y'.repeat(200)}… (1700 more characters)`);
    expect((first.list as unknown[])[10]).toEqual({ omitted: 40 });
    const second = capEvidence(big, 1_000);
    expect((second.list as string[]).length).toBe(4);
    expect((second.list as string[])[0]).toBe(`${'y'.repeat(80)}… (1820 more characters)`);
    expect(capEvidence(big, 100)).toEqual({
      truncated: 'the evidence exceeded 100 bytes even when shortened',
      keys: ['list'],
    });
    expect(Buffer.byteLength(JSON.stringify(capEvidence(big)))).toBeLessThanOrEqual(MAX_FINDING_BYTES);
  });

  it('returns evidence already within every bound unchanged, at exactly the budget', () => {
    const evidence = { a: 'b' };
    const bytes = Buffer.byteLength(JSON.stringify(evidence));
    expect(capEvidence(evidence, bytes)).toEqual(evidence);
    expect(capEvidence(evidence, bytes - 1)).toEqual({
      truncated: `the evidence exceeded ${bytes - 1} bytes even when shortened`,
      keys: ['a'],
    });
  });
});
