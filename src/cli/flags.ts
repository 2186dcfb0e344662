import { UsageError } from './errors.js';

/**
 * Node timers hold at most 2^31 - 1 ms; a longer one fires after 1 ms with a TimeoutOverflowWarning,
 * so a huge --timeout (and the 10 x check deadline derived from it) would end every check at once.
 */
export const MAX_TIMEOUT_MS = 600_000;

export function positiveInteger(flag: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`${flag} ${value}: expected a positive whole number`);
  if (number > max) throw new UsageError(`${flag} ${value}: at most ${max}`);
  return number;
}
