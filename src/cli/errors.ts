import { InputError } from '../inventory/problems.js';

/** A flag or argument that cannot be used (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Prints an error the way a user should see it: input and usage errors as their messages (one
 * per problem, no stack), anything else as one line unless --debug. Sets exit code 2.
 */
export function exitWithError(error: unknown, debug: boolean): void {
  if (error instanceof InputError || error instanceof UsageError) {
    process.stderr.write(`mra-preflight: ${error.message.split('\n').join('\nmra-preflight: ')}\n`);
  } else if (debug && error instanceof Error) {
    process.stderr.write(`${error.stack ?? error.message}\n`);
  } else {
    const text = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`mra-preflight: internal error: ${text} (run with --debug for details)\n`);
  }
  process.exitCode = 2;
}
