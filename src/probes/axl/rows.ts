import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { openRows, XmlShapeError, type RowScan } from './xml.js';

/**
 * Reads list and SQL pages off the main thread. The main thread of a collection takes answers off
 * their sockets, decrypts them and sends the next requests; a 10,000-row page read on it holds
 * those up (a 3.7 MB answer arrives in dozens of socket reads, each waiting for the reading to
 * yield), which leaves CUCM with one request instead of two. On a thread of its own the reading
 * costs the main thread the rows' objects and one `split` per field of names (see Column).
 *
 * Where the thread's script is not there (the sources run directly, as in unit tests), pages are
 * read on the main thread in 2 ms slices instead: the same rows, with more waiting.
 */
export interface RowRequest {
  id: number;
  body: Uint8Array;
  operation: string;
  item: string;
  fields: readonly string[];
}

export type RowResponse =
  | { id: number; rows: number; columns: Column[] }
  /** The page comes back with the error: the main thread reports the AXL fault it may hold. */
  | { id: number; error: string; body: Uint8Array };

/**
 * One field's values of a page, as they travel from the thread: coded while few distinct values
 * repeat (code k is distinct[k - 1], 0 is absent), so that a model or pool string exists once,
 * not once per row; otherwise one string of the values joined by SEPARATOR, absent ones NO_VALUE.
 */
export type Column = { distinct: string[]; codes: Uint8Array } | { joined: string };
export const NO_VALUE = '\u0001';
export const SEPARATOR = '\u0000';

/** Reads a column's value of row `r`. */
type ColumnReader = (r: number) => string | undefined;

function columnReader(column: Column, rows: number): ColumnReader {
  if ('codes' in column) {
    const { distinct, codes } = column;
    return (r) => {
      const code = codes[r]!;
      return code === 0 ? undefined : distinct[code - 1];
    };
  }
  const values = rows === 0 ? [] : column.joined.split(SEPARATOR);
  return (r) => {
    const value = values[r];
    return value === NO_VALUE ? undefined : value;
  };
}

export interface PageRows<T> {
  count: number;
  rows: Promise<T[]>;
}

/** A page that could not be read, with its bytes (they went to the reading thread and back). */
export class PageReadError extends XmlShapeError {
  constructor(
    message: string,
    readonly body: Buffer,
  ) {
    super(message);
  }
}

/** Reading on the main thread gives the event loop a turn this often. */
const READ_SLICE_MS = 2;
const ROWS_BETWEEN_CLOCK_CHECKS = 100;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

type Pending = Deferred<{ rows: number; readers: ColumnReader[] }>;

const WORKER_SCRIPT = new URL('./row-worker.js', import.meta.url);
const IDLE_MS = 2000;

class RowThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private idle: NodeJS.Timeout | undefined;

  /**
   * Starts the thread before the first page is in (its start-up then overlaps the first requests)
   * and lets it go if no page comes.
   */
  warm(): void {
    if (this.worker) return;
    this.start();
    this.idleSoon();
  }

  read(body: Buffer, scan: Omit<RowScan<unknown>, 'map'>): Pending {
    clearTimeout(this.idle);
    const worker = this.start();
    const id = this.nextId++;
    const pending: Pending = deferred();
    this.pending.set(id, pending);
    // The thread holds the process open only while it has pages to read.
    if (this.pending.size === 1) worker.ref();
    // A page with a buffer of its own moves to the thread; a small one from Node's shared pool is copied.
    const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    const request: RowRequest = { id, body, operation: scan.operation, item: scan.item, fields: scan.fields };
    worker.postMessage(request, own ? [body.buffer as ArrayBuffer] : []);
    return pending;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // A hostile peer's page is at most the client's response cap (16 MB): far below this.
    const worker = new Worker(WORKER_SCRIPT, { resourceLimits: { maxOldGenerationSizeMb: 256 } });
    worker.unref();
    worker.on('message', (response: RowResponse) => this.answer(response));
    const failAll = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, pending] of this.pending) {
        this.done(id);
        pending.reject(error);
      }
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the row reading thread stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }

  private answer(response: RowResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    if ('error' in response) {
      this.done(response.id);
      const body = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
      pending.reject(new PageReadError(response.error, body));
    } else {
      this.done(response.id);
      pending.resolve({
        rows: response.rows,
        readers: response.columns.map((column) => columnReader(column, response.rows)),
      });
    }
  }

  private done(id: number): void {
    this.pending.delete(id);
    if (this.pending.size > 0) return;
    this.worker?.unref();
    this.idleSoon();
  }

  /** An idle thread (a scan that collected once) gives its memory back. */
  private idleSoon(): void {
    const worker = this.worker;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.pending.size === 0 && this.worker === worker && worker) {
        this.worker = undefined;
        void worker.terminate();
      }
    }, IDLE_MS);
    this.idle.unref();
  }
}

const thread = existsSync(fileURLToPath(WORKER_SCRIPT)) ? new RowThread() : undefined;

/** Gets the reading thread ready for pages soon to come (a collection's first requests are out). */
export function warmRowThread(): void {
  thread?.warm();
}

/**
 * One page's row count and its rows. The count is taken here, at once, from the bytes (paging
 * needs it to send the next request, which should not wait for a round trip to the thread); the
 * rows are read on the thread. A page that is not a list answer fails with an
 * XmlShapeError (a PageReadError carrying the page when the thread found it); the caller turns it
 * into the AXL failure.
 */
export function readPage<T>(body: Buffer, scan: RowScan<T>): PageRows<T> {
  if (!thread) return readHere(body, scan);
  const { count } = openRows(body, scan);
  if (count === 0) return { count, rows: Promise.resolve([]) };
  const rows = thread.read(body, scan).promise.then(({ rows: length, readers }) => {
    const width = scan.fields.length;
    const row = new Array<string | undefined>(width).fill(undefined);
    const out: T[] = [];
    for (let r = 0; r < length; r++) {
      for (let f = 0; f < width; f++) row[f] = readers[f]!(r);
      out.push(scan.map(row));
    }
    return out;
  });
  rows.catch(() => {});
  return { count, rows };
}

function readHere<T>(body: Buffer, scan: RowScan<T>): PageRows<T> {
  const page = openRows(body, scan);
  const rows = (async () => {
    const out: T[] = [];
    await turn();
    let slice = performance.now();
    for (const _ of page.readInto(out, ROWS_BETWEEN_CLOCK_CHECKS)) {
      if (performance.now() - slice < READ_SLICE_MS) continue;
      await turn();
      slice = performance.now();
    }
    return out;
  })();
  rows.catch(() => {});
  return { count: page.count, rows };
}
