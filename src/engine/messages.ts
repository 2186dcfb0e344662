/**
 * Messages the engine itself reports under a rule's id: the standard outcomes every rule shares
 * (wrong vantage, a need the run cannot meet, nothing in scope, a prerequisite that already
 * reports the problem, a rule that crashed or hung), said the same way for every rule.
 */
export const ENGINE_MESSAGES = {
  wrongVantage: 'Needs the {needed} vantage: run with --vantage {needed} or both (this run looked from {vantage}).',
  needUnavailable: 'Not examined: {reason}.',
  nothingInScope: 'Nothing to examine: {reason}.',
  prerequisiteFailed: 'Not judged: {prerequisite} reports {dependency} as {outcome} ({detail}).',
  prerequisiteMissing: 'Could not be judged: data it depends on is missing, and {prerequisites} gave no reason.',
  checkCrashed: 'The check failed to run: {error}.',
  checkTimedOut: 'The check did not finish within {timeoutMs} ms.',
} as const;

export type EngineMessageId = keyof typeof ENGINE_MESSAGES;
