import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { openRows, XmlShapeError, type RowScan } from './xml.js';

/**
 * Reads list and SQL pages off the main thread. The main thread of a collection takes answers off
 * their sockets, decrypts them and sends the next requests; a 10,000-row page read on it holds
 * those up (a 3.7 MB answer arrives in dozens of socket reads, each waiting for the reading to
 * yield), which leaves CUCM with one request instead of two. On a thread of its own the reading
 * costs the main thread one `split` per field and the rows' objects.
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
  | { id: number; count: number }
  | { id: number; rows: number; columns: string[] }
  /** The page comes back with the error: the main thread reports the AXL fault it may hold. */
  | { id: number; error: string; body: Uint8Array };

/** Field values travel as one string per field: values joined by SEPARATOR, absent ones as NO_VALUE. */
export const NO_VALUE = '\u0001';
export const SEPARATOR = '\u0000';

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

interface Pending {
  count: Deferred<number>;
  columns: Deferred<string[][]>;
}

const WORKER_SCRIPT = new URL('./row-worker.js', import.meta.url);
const IDLE_MS = 2000;

class RowThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private idle: NodeJS.Timeout | undefined;

  read(body: Buffer, scan: Omit<RowScan<unknown>, 'map'>): Pending {
    clearTimeout(this.idle);
    const worker = this.start();
    const id = this.nextId++;
    const pending: Pending = { count: deferred(), columns: deferred() };
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
        pending.count.reject(error);
        pending.columns.reject(error);
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
      const error = new PageReadError(response.error, body);
      pending.count.reject(error);
      pending.columns.reject(error);
    } else if ('columns' in response) {
      this.done(response.id);
      pending.columns.resolve(response.columns.map((column) => (response.rows === 0 ? [] : column.split(SEPARATOR))));
    } else pending.count.resolve(response.count);
  }

  private done(id: number): void {
    this.pending.delete(id);
    if (this.pending.size > 0) return;
    const worker = this.worker;
    worker?.unref();
    // An idle thread (a scan that collected once) gives its memory back.
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

/**
 * One page's row count (as soon as it is known) and its rows. A page that is not a list answer
 * fails with an XmlShapeError (a PageReadError carrying the page when it went to the thread); the
 * caller turns it into the AXL failure.
 */
export async function readPage<T>(body: Buffer, scan: RowScan<T>): Promise<PageRows<T>> {
  if (!thread) return readHere(body, scan);
  const pending = thread.read(body, scan);
  const rows = pending.columns.promise.then((values) => {
    const width = scan.fields.length;
    const length = values[0]?.length ?? 0;
    const row = new Array<string | undefined>(width).fill(undefined);
    const out: T[] = [];
    for (let r = 0; r < length; r++) {
      for (let f = 0; f < width; f++) {
        const value = values[f]![r]!;
        row[f] = value === NO_VALUE ? undefined : value;
      }
      out.push(scan.map(row));
    }
    return out;
  });
  rows.catch(() => {});
  return { count: await pending.count.promise, rows };
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
