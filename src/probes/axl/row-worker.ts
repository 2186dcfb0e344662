import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { type Column, type RowRequest, type RowResponse, NO_VALUE, SEPARATOR } from './rows.js';
import { openRows } from './xml.js';

/** A column stays coded while it has at most this many distinct values (a code fits in a byte). */
const MAX_CODED = 255;

/**
 * One field's values of a page, as they will travel: coded (the distinct values once and a byte
 * per row) while few values repeat, as models, pools and profiles do; joined into one string once
 * the field turns out to be a name. Coded values cost the main thread no string per row.
 */
class ColumnWriter {
  private readonly codes: Uint8Array;
  private codeOf: Map<string, number> | undefined = new Map();
  private distinct: string[] = [];
  private plain: string[] | undefined;
  private rows = 0;

  constructor(capacity: number) {
    this.codes = new Uint8Array(capacity);
  }

  push(value: string | undefined): void {
    if (this.codeOf) {
      const code = this.code(this.codeOf, value);
      if (code >= 0) {
        this.codes[this.rows++] = code;
        return;
      }
      // Too many distinct values (a name), or more rows than were counted: the column goes plain.
      this.plain = Array.from(this.codes.subarray(0, this.rows), (c) => (c === 0 ? NO_VALUE : this.distinct[c - 1]!));
      this.codeOf = undefined;
      this.distinct = [];
    }
    this.plain!.push(value ?? NO_VALUE);
    this.rows++;
  }

  /** The value's code (0: absent), or -1 when it cannot have one. */
  private code(codeOf: Map<string, number>, value: string | undefined): number {
    if (this.rows >= this.codes.length) return -1;
    if (value === undefined) return 0;
    const known = codeOf.get(value);
    if (known !== undefined) return known;
    if (this.distinct.length >= MAX_CODED) return -1;
    this.distinct.push(value);
    codeOf.set(value, this.distinct.length);
    return this.distinct.length;
  }

  finish(): { column: Column; transfer: ArrayBuffer[] } {
    if (this.plain) return { column: { joined: this.plain.join(SEPARATOR) }, transfer: [] };
    const codes = this.codes.subarray(0, this.rows);
    return { column: { distinct: this.distinct, codes }, transfer: [codes.buffer as ArrayBuffer] };
  }
}

/**
 * The thread reads at a lower priority than the thread that talks to CUCM. The rows are needed
 * only when the collection ends, while every socket read and every next request of the main
 * thread keeps CUCM's two places busy; on a host without a core to spare (two cores, the bench's
 * CUCM-like server beside it) a page read at equal priority slows those down. Measured with
 * `npm run bench`: about 0.02 off the collect/baseline ratio. Linux names the thread by its id
 * in /proc/thread-self; elsewhere the thread reads at normal priority.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: the same rows, read at the main thread's priority.
  }
}
lowerPriority();

/**
 * The row reading thread (see rows.ts): reads a page with openRows and answers with the rows
 * column by column (the main thread counted them already). A page it cannot read goes back with
 * the error.
 */
parentPort?.on('message', (request: RowRequest) => {
  const post = (response: RowResponse, transfer: ArrayBuffer[] = []): void =>
    parentPort!.postMessage(response, transfer);
  const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
  try {
    let writers: ColumnWriter[] = [];
    let read = 0;
    const page = openRows(body, {
      operation: request.operation,
      item: request.item,
      fields: request.fields,
      map: (values) => {
        read++;
        for (let i = 0; i < values.length; i++) writers[i]!.push(values[i]);
      },
    });
    writers = request.fields.map(() => new ColumnWriter(page.count));
    for (const _ of page.readInto([], Number.POSITIVE_INFINITY));
    const finished = writers.map((writer) => writer.finish());
    post(
      { id: request.id, rows: read, columns: finished.map((f) => f.column) },
      finished.flatMap((f) => f.transfer),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    post({ id: request.id, error: message, body: request.body }, [request.body.buffer as ArrayBuffer]);
  }
});
