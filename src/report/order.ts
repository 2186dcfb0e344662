import { AREAS, type Area, type Finding, type Severity, type Status } from '../engine/types.js';

/** Failures first, then what could not be decided, then what was not applicable, then passes. */
export const STATUS_RANK: Record<Status, number> = { fail: 0, inconclusive: 1, skipped: 2, pass: 3 };
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
/** Areas in the order MRA depends on them: names resolve, clocks agree, certificates, then configuration. */
export const AREA_RANK = Object.fromEntries(AREAS.map((area, index) => [area, index])) as Record<Area, number>;

/** The order of every findings list: status, severity, area, rule, target. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    AREA_RANK[a.area] - AREA_RANK[b.area] ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.target.localeCompare(b.target)
  );
}
