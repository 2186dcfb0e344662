import { readFileSync, statSync } from 'node:fs';
import { InputError } from './problems.js';

/** Exports far past any real cluster's size are refused: a string over ~512 MB cannot be built. */
export const MAX_INPUT_BYTES = 400_000_000;

/**
 * Reads an input file (inventory, snapshot, BAT export) as UTF-8 without a BOM. A missing,
 * unreadable or oversized file becomes an InputError naming the file, never a stack trace.
 */
export function readInputText(file: string, maxBytes = MAX_INPUT_BYTES): string {
  try {
    const size = statSync(file).size;
    if (size > maxBytes) {
      throw new InputError([
        { file, path: '$', message: `is ${Math.round(size / 1e6)} MB; files over ${maxBytes / 1e6} MB are not read` },
      ]);
    }
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code ?? 'error'})`;
    throw new InputError([{ file, path: '$', message: reason }]);
  }
}
