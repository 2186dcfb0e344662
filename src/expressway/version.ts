/**
 * Expressway (and VCS) release numbers as Cisco writes them: `X8.10`, `X8.11.4`, `X14.0.11`, the
 * `X15.2.4.` some status pages print with a trailing dot, and release candidates such as
 * `X14.2RC1` or `X14.0.2 RC 3`. Releases compare by number, never as text: `X8.9` < `X8.10`
 * (X8.10 is the first release with the MRA access policy Jabber needs) < `X14.0.2`.
 */

/** Pre-release stages, lowest first; a final release sorts after all of them. */
export const PRE_RELEASE_STAGES = ['alpha', 'beta', 'rc'] as const;
export type PreReleaseStage = (typeof PRE_RELEASE_STAGES)[number];

export interface PreRelease {
  stage: PreReleaseStage;
  /** `RC3` → 3; `beta` without a number → 0. */
  number: number;
}

/** Why a string is not an Expressway release; `raw` is kept so the finding can show it. */
export class ExpresswayVersionError extends Error {
  override readonly name = 'ExpresswayVersionError';
  constructor(
    readonly raw: string,
    readonly reason: string,
  ) {
    super(`"${raw}" is not an Expressway version (${reason})`);
  }
}

/** Longest input considered; status pages and inventories never carry more. */
const MAX_LENGTH = 64;
/** Enough for X15.2.4.1 plus room; more components means it is not a release number. */
const MAX_COMPONENTS = 6;
const GRAMMAR = /^[Xx]?\s?(\d{1,6}(?:\.\d{1,6})*)\.?(?:[\s_-]*(rc|beta|alpha)[\s.]*(\d{1,6})?)?$/i;

const STAGE_BY_TOKEN: Record<string, PreReleaseStage> = { rc: 'rc', beta: 'beta', alpha: 'alpha' };

export class ExpresswayVersion {
  private constructor(
    /** Exactly what the inventory or the status page said. */
    readonly raw: string,
    /** Numeric components, trailing zeros kept as written (`X8.10.0` → [8, 10, 0]). */
    readonly numbers: readonly number[],
    readonly preRelease: PreRelease | undefined,
  ) {}

  /** Parses a release string; throws ExpresswayVersionError when it is not one. */
  static parse(raw: string): ExpresswayVersion {
    if (typeof raw !== 'string') throw new ExpresswayVersionError(String(raw), 'not a string');
    const text = raw.trim();
    if (text.length === 0) throw new ExpresswayVersionError(raw, 'empty');
    if (text.length > MAX_LENGTH)
      throw new ExpresswayVersionError(raw.slice(0, MAX_LENGTH), `longer than ${MAX_LENGTH} characters`);
    const match = GRAMMAR.exec(text);
    if (!match) throw new ExpresswayVersionError(raw, 'expected a release such as X8.10, X14.0.11 or X14.2 RC1');
    const numbers = (match[1] ?? '').split('.').map(Number);
    if (numbers.length > MAX_COMPONENTS)
      throw new ExpresswayVersionError(raw, `more than ${MAX_COMPONENTS} numeric components`);
    const stageToken = match[2]?.toLowerCase();
    const stage = stageToken === undefined ? undefined : STAGE_BY_TOKEN[stageToken];
    return new ExpresswayVersion(
      raw,
      numbers,
      stage ? { stage, number: match[3] === undefined ? 0 : Number(match[3]) } : undefined,
    );
  }

  /** Like parse, but returns the error instead of throwing it. */
  static tryParse(
    raw: string,
  ): { ok: true; version: ExpresswayVersion } | { ok: false; error: ExpresswayVersionError } {
    try {
      return { ok: true, version: ExpresswayVersion.parse(raw) };
    } catch (error) {
      if (error instanceof ExpresswayVersionError) return { ok: false, error };
      throw error;
    }
  }

  get major(): number {
    return this.numbers[0] ?? 0;
  }

  /**
   * Negative, zero or positive as this release is older than, the same as, or newer than
   * `other`. Missing components count as 0 (X8.10 == X8.10.0); a release candidate is older than
   * the release it leads to (X14.2 RC1 < X14.2).
   */
  compare(other: ExpresswayVersion): number {
    const length = Math.max(this.numbers.length, other.numbers.length);
    for (let i = 0; i < length; i++) {
      const difference = (this.numbers[i] ?? 0) - (other.numbers[i] ?? 0);
      if (difference !== 0) return Math.sign(difference);
    }
    return (
      Math.sign(preReleaseRank(this.preRelease) - preReleaseRank(other.preRelease)) ||
      Math.sign((this.preRelease?.number ?? 0) - (other.preRelease?.number ?? 0))
    );
  }

  equals(other: ExpresswayVersion): boolean {
    return this.compare(other) === 0;
  }

  isOlderThan(other: ExpresswayVersion): boolean {
    return this.compare(other) < 0;
  }

  /** Canonical spelling, as Cisco prints it: `X14.0.2`, `X14.2 RC1`. */
  toString(): string {
    const base = `X${this.numbers.join('.')}`;
    if (!this.preRelease) return base;
    const stage = this.preRelease.stage === 'rc' ? 'RC' : this.preRelease.stage;
    return `${base} ${stage}${this.preRelease.number > 0 ? this.preRelease.number : ''}`;
  }
}

function preReleaseRank(preRelease: PreRelease | undefined): number {
  return preRelease ? PRE_RELEASE_STAGES.indexOf(preRelease.stage) : PRE_RELEASE_STAGES.length;
}

/** Sort comparator for arrays of versions (oldest first). */
export function compareExpresswayVersions(a: ExpresswayVersion, b: ExpresswayVersion): number {
  return a.compare(b);
}
