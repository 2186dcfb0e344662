import { describe, expect, it } from 'vitest';
import { AxlError } from '../../src/probes/axl/errors.js';
import { fetchAllPages } from '../../src/probes/axl/paging.js';

const rows = Array.from({ length: 57 }, (_, index) => index);

/** A fake list that refuses pages larger than `limit` rows, as CUCM refuses responses over 8 MB. */
function list(limit: number, suggest: boolean) {
  const calls: Array<[number, number]> = [];
  let active = 0;
  let maxActive = 0;
  const fetch = async (skip: number, first: number): Promise<number[]> => {
    calls.push([skip, first]);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((resolve) => setTimeout(resolve, 1));
    active--;
    const page = rows.slice(skip, skip + first);
    if (page.length > limit) {
      const text = `Query request too large. Total rows matched: ${rows.length} rows.${suggest ? ` Suggestive Row Fetch: less than ${limit + 1} rows` : ''}`;
      throw new AxlError('too-large', text, {
        totalRows: rows.length,
        ...(suggest ? { suggestedRows: limit + 1 } : {}),
      });
    }
    return page;
  };
  return { fetch, calls, maxActive: () => maxActive };
}

describe('fetchAllPages', () => {
  it('reads every row in order with skip/first, two pages at a time', async () => {
    const fake = list(100, true);
    expect(await fetchAllPages(fake.fetch, { pageSize: 10 })).toEqual(rows);
    expect(fake.maxActive()).toBeLessThanOrEqual(2);
    expect(fake.calls[0]).toEqual([0, 10]);
  });

  it('follows the suggested row count after "Query request too large"', async () => {
    const fake = list(12, true);
    const repages: number[] = [];
    expect(await fetchAllPages(fake.fetch, { pageSize: 50, onRepage: ({ to }) => repages.push(to) })).toEqual(rows);
    expect(repages).toEqual([10]);
  });

  it('halves the page when the fault suggests no count', async () => {
    const fake = list(7, false);
    expect(await fetchAllPages(fake.fetch, { pageSize: 40 })).toEqual(rows);
    expect(Math.max(...fake.calls.slice(-3).map(([, first]) => first))).toBeLessThanOrEqual(7);
  });

  it('gives up when even one row is too large', async () => {
    const fake = list(0, true);
    await expect(fetchAllPages(fake.fetch, { pageSize: 4 })).rejects.toThrow(/Query request too large/);
  });

  it('reads a list that fits in one page with one request', async () => {
    const fake = list(100, true);
    expect(await fetchAllPages(fake.fetch, { pageSize: 100 })).toEqual(rows);
    expect(fake.calls).toEqual([[0, 100]]);
  });
});

describe('fetchAllPages against a list that never ends', () => {
  it('stops at maxRows with an error instead of paging forever', async () => {
    const endless = async (_skip: number, first: number): Promise<number[]> => Array.from({ length: first }, () => 1);
    await expect(fetchAllPages(endless, { pageSize: 10, maxRows: 100 })).rejects.toThrow('did not end within 100 rows');
  });
});
