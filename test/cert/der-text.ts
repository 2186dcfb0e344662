import { expect } from 'vitest';
import { DerError } from '../../src/cert/der.js';

/** Octets from hex text; blanks between the bytes are for reading only. */
export const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

/** The DerError message `run` throws, or a failure when it throws nothing or something else. */
export function derMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DerError);
    return (error as Error).message;
  }
  throw new Error('no DerError thrown');
}
