import type { Report, Verdict } from '../engine/types.js';

export type VerdictLabel = 'READY' | 'NOT READY' | 'INCOMPLETE';

/** SPEC 8.9: the one readiness verdict, as every format spells it. */
export const VERDICT_LABELS: Record<Verdict, VerdictLabel> = {
  ready: 'READY',
  'not-ready': 'NOT READY',
  incomplete: 'INCOMPLETE',
};

/** The engine's verdict (src/engine/summary.ts) and its reason; renderers never recompute it. */
export function verdictOf(report: Report): { verdict: VerdictLabel; reason: string } {
  return { verdict: VERDICT_LABELS[report.summary.verdict], reason: report.summary.verdictReason };
}

/** "NOT READY: 13 error-severity failures", the last line of the text report and the summary block. */
export function verdictLine(report: Report): string {
  const { verdict, reason } = verdictOf(report);
  return `${verdict}: ${reason}`;
}
