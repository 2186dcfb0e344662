import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * A report as a sequence of text pieces. Every format is written piece by piece (issue 21: 50,000
 * failing endpoints would otherwise make each format one string of 70-100 MB, two bytes per
 * character once the Korean source line is in it), so memory follows the largest piece, not the report.
 */
export type Chunks = Iterable<string>;

/** About 64 KiB per write: few system calls, small strings. */
const BATCH_CHARACTERS = 64 * 1024;

/** Joins small pieces into batches, so a finding of 200 bytes is not one write. */
export function* batched(chunks: Chunks, size = BATCH_CHARACTERS): Generator<string> {
  let pending: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield pending.join('');
      pending = [];
      length = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

/** Writes the pieces in order, waiting whenever the stream's buffer is full (backpressure). */
export async function writeChunks(chunks: Chunks, stream: Writable): Promise<void> {
  for (const chunk of batched(chunks)) {
    // events.once rejects when the stream emits 'error' while we wait, so a full disk ends the write.
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
}

/** The whole report as one string: for small reports, tests and the library's RENDERERS. */
export function joinChunks(chunks: Chunks): string {
  return Array.from(chunks).join('');
}

/**
 * `JSON.stringify(value, null, 2)` of a value holding one large array, produced as pieces: the array
 * (`path` names where it sits) comes from `items`, one element at a time. The output is byte for byte
 * what JSON.stringify gives; the marker that stands for the array while the rest is stringified is
 * random per call, so no string in the data can collide with it.
 */
export function* jsonWithArray(
  skeleton: (marker: string) => unknown,
  items: Iterable<unknown>,
  marker = `mra-preflight-array-${randomUUID()}`,
): Generator<string> {
  const text = JSON.stringify(skeleton(marker), null, 2);
  const quoted = JSON.stringify(marker);
  const at = text.indexOf(quoted);
  if (at < 0) throw new Error('jsonWithArray: the skeleton does not hold the marker');
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = /^ */.exec(text.slice(lineStart, at))![0];
  const inner = `${indent}  `;
  yield text.slice(0, at);
  let first = true;
  for (const item of items) {
    const element = JSON.stringify(item, null, 2) ?? 'null';
    yield `${first ? '[\n' : ',\n'}${inner}${element.replace(/\n/g, `\n${inner}`)}`;
    first = false;
  }
  yield first ? '[]' : `\n${indent}]`;
  yield text.slice(at + quoted.length);
}
