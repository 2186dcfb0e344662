import { parentPort } from 'node:worker_threads';
import { NO_VALUE, SEPARATOR, type RowRequest, type RowResponse } from './rows.js';
import { openRows } from './xml.js';

/**
 * The row reading thread (see rows.ts): reads a page with openRows and answers with the count
 * first (paging needs it to send the next request), then the rows as one string per field. A
 * page it cannot read goes back with the error.
 */
parentPort?.on('message', (request: RowRequest) => {
  const post = (response: RowResponse, transfer: ArrayBuffer[] = []): void =>
    parentPort!.postMessage(response, transfer);
  const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
  try {
    const columns: string[][] = request.fields.map(() => []);
    const page = openRows(body, {
      operation: request.operation,
      item: request.item,
      fields: request.fields,
      map: (values) => {
        for (let i = 0; i < values.length; i++) columns[i]!.push(values[i] ?? NO_VALUE);
      },
    });
    post({ id: request.id, count: page.count });
    for (const _ of page.readInto([], Number.POSITIVE_INFINITY));
    post({ id: request.id, rows: columns[0]?.length ?? 0, columns: columns.map((column) => column.join(SEPARATOR)) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    post({ id: request.id, error: message, body: request.body }, [request.body.buffer as ArrayBuffer]);
  }
});
