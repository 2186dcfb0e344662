import { distance } from 'fastest-levenshtein';

/**
 * "Did you mean ...?" for a value that names nothing known (a rule, a trust store, a report
 * format): the closest candidate by edit distance, case-insensitively, when it is close enough to
 * be a typo (a quarter of the longer word, at most 2 edits).
 */
export function closestName(value: string, candidates: Iterable<string>): string | undefined {
  const wanted = value.trim().toLowerCase();
  let best: { name: string; cost: number } | undefined;
  for (const name of candidates) {
    const cost = distance(wanted, name.toLowerCase());
    if (!best || cost < best.cost) best = { name, cost };
  }
  if (!best) return undefined;
  const limit = Math.min(2, Math.max(1, Math.floor(Math.max(wanted.length, best.name.length) / 4)));
  return best.cost <= limit ? best.name : undefined;
}

/** ` (did you mean "x"?)`, or nothing when no candidate is close. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const match = closestName(value, candidates);
  return match ? ` (did you mean "${match}"?)` : '';
}
