import { AxlError } from './errors.js';

/**
 * A page whose rows are still being read: `count` (known as soon as the answer is in) decides
 * whether another page is needed, so the next request leaves while `rows` are read.
 */
export interface PendingPage<T> {
  count: number;
  rows: Promise<T[]>;
}

/** Fetches rows [skip, skip + first) of one list; fewer than `first` rows means the list ended. */
export type PageFetcher<T> = (skip: number, first: number) => Promise<T[] | PendingPage<T>>;

export interface PagingOptions {
  pageSize: number;
  /** Pages requested at once after the first (the client caps requests in flight anyway). */
  parallel?: number;
  /** A list longer than this is not a CUCM table but a peer that never ends a list. */
  maxRows?: number;
  /** Names the list in messages, e.g. "AXL listPhone at https://...". */
  label?: string;
  /** Told when CUCM asked for smaller pages (the "Query request too large" fault). */
  onRepage?: (event: { from: number; to: number; totalRows?: number }) => void;
}

/**
 * Reads a whole list with skip/first. CUCM refuses a response over 8 MB with "Query request too
 * large ... Suggestive Row Fetch: less than M rows"; then the page size drops below M and the
 * refused range is fetched again in smaller pages. Rows come back in CUCM's order.
 */
export async function fetchAllPages<T>(fetchPage: PageFetcher<T>, options: PagingOptions): Promise<T[]> {
  let pageSize = Math.max(1, options.pageSize);
  let next = 0;
  let end = Number.POSITIVE_INFINITY;
  const pages = new Map<number, Promise<T[]>>();

  const shrink = (error: AxlError, count: number): void => {
    const suggested = error.details.suggestedRows;
    // "less than M": stay a tenth below M, since row sizes vary across the list.
    const target = suggested !== undefined && suggested > 1 ? Math.floor((suggested - 1) * 0.9) : Math.floor(count / 2);
    const size = Math.max(1, Math.min(target, count - 1));
    if (size < pageSize) {
      options.onRepage?.({
        from: pageSize,
        to: size,
        ...(error.details.totalRows !== undefined ? { totalRows: error.details.totalRows } : {}),
      });
      pageSize = size;
    }
  };

  /** Fetches [skip, skip + count); returns how many rows it found. */
  const fetchRange = async (skip: number, count: number): Promise<number> => {
    let page: T[] | PendingPage<T>;
    try {
      page = await fetchPage(skip, count);
    } catch (error) {
      if (!(error instanceof AxlError) || error.kind !== 'too-large' || count <= 1) throw error;
      shrink(error, count);
      let found = 0;
      for (let start = skip; start < skip + count && start < end; start += pageSize) {
        const want = Math.min(pageSize, skip + count - start);
        const got = await fetchRange(start, want);
        found += got;
        if (got < want) break;
      }
      return found;
    }
    const found = Array.isArray(page) ? page.length : page.count;
    const rows = Array.isArray(page) ? Promise.resolve(page) : page.rows;
    // Awaited in order at the end; a page that cannot be read fails the list there.
    rows.catch(() => {});
    pages.set(skip, rows);
    if (found < count) end = Math.min(end, skip + found);
    return Math.min(found, count);
  };

  const maxRows = options.maxRows ?? 1_000_000;
  const worker = async (): Promise<void> => {
    while (next < end) {
      if (next >= maxRows)
        throw new AxlError(
          'malformed',
          `${options.label ?? 'AXL list'}: the list did not end within ${maxRows} rows; refused`,
        );
      const skip = next;
      const count = pageSize;
      next += count;
      await fetchRange(skip, count);
    }
  };

  // One page first: most lists (profiles, pools, regions) fit in it, and then no second request
  // is wasted past the end.
  const first = pageSize;
  next = first;
  const got = await fetchRange(0, first);
  if (got >= first) await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 2) }, worker));

  const out: T[] = [];
  for (const skip of [...pages.keys()].sort((a, b) => a - b)) {
    const rows = await pages.get(skip)!;
    if (skip >= end) continue;
    for (const row of rows) {
      if (out.length >= end) break;
      out.push(row);
    }
  }
  return out;
}
