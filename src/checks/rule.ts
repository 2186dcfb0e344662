import type { SnapshotSection } from '../cucm/snapshot.js';
import type { CertificateSource } from '../cert/source.js';
import type { CucmSource } from '../cucm/source.js';
import type { ExpresswaySource } from '../expressway/source.js';
import type { Inventory, Policy } from '../inventory/types.js';
import type { DnsProbe } from '../probes/dns.js';
import type { NtpProbe } from '../probes/ntp.js';

/**
 * What a rule module is (ESLint's `meta` + `create`, here `meta` + `run`): the engine reads `meta`
 * to select, schedule and skip the rule, renders its messages and decides severity, verdict and
 * exit code; `run` only examines and returns findings as data. The prose (rationale, procedure,
 * remediation, source) lives beside it in rules/<id>.yaml, as markdownlint keeps its rule docs.
 */

export type Status = 'pass' | 'fail' | 'inconclusive' | 'skipped';
export type Severity = 'error' | 'warning' | 'info';
export type Area = 'dns' | 'ntp' | 'cert' | 'cucm' | 'exp' | 'edge';

export const STATUSES: readonly Status[] = ['pass', 'fail', 'inconclusive', 'skipped'];
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
export const AREAS: readonly Area[] = ['dns', 'ntp', 'cert', 'cucm', 'exp', 'edge'];

/**
 * Where a rule must look from (SPEC 8.7): `internal` rules need a host inside the enterprise
 * network, `external` ones a host outside (the edge as a remote Jabber client sees it), `any`
 * rules ask resolvers the inventory names and run from either.
 */
export type RuleVantage = 'internal' | 'external' | 'any';

/**
 * What a rule needs from the run. The engine asks the run's services whether each is there and
 * skips (nothing configured, --offline) or marks inconclusive (a CUCM section that could not be
 * read) with the reason, so no rule tests for these itself.
 */
export type Need = 'dns.internal' | 'dns.external' | 'ntp' | 'certificates' | 'expressway' | `cucm.${SnapshotSection}`;

export interface MessageSpec {
  text: string;
  /** The declared exception to the rule's one severity (MRA-CERT-004: expiresSoon is a warning). */
  severity?: Severity;
}

/**
 * A prerequisite (Zonemaster's intercase dependency): when the named rule's finding for a target
 * is `fail` or `inconclusive` (and, when `messages` is given, has one of those message ids), this
 * rule's finding for that target is the engine's one standard `skipped` finding naming it.
 */
export interface Prerequisite {
  rule: string;
  messages?: readonly string[];
}

export interface RuleMeta<M extends string = string> {
  /** Permanent id, never reused or renamed (MRA-DNS-002). */
  id: string;
  /** Permanent readable alias (uds-srv-not-external). */
  slug: string;
  area: Area;
  severity: Severity;
  title: string;
  vantage: RuleVantage;
  /** `{name}` placeholders are filled from the finding's args. */
  messages: Record<M, string | MessageSpec>;
  needs: readonly Need[];
  requires?: readonly (string | Prerequisite)[];
  /** What one finding is about, for "nothing in scope": "NTP servers (ntp.servers)". */
  scope: string;
  /**
   * What the engineer changes to fix a failing finding (one security profile, one certificate,
   * one zone, one device pool): findings with the same key are one item of the report's "fix
   * first" list. Derived from what the finding already carries.
   */
  fixGroup?: (finding: CheckFinding<M>) => FixGroup | undefined;
}

export interface FixGroup {
  /** Stable across rules for the same thing: `security-profile:<name>`, `certificate:<sha256>`. */
  key: string;
  /** How the thing reads: "phone security profile Cisco 7841 - Standard SIP Authenticated Profile". */
  label: string;
}

/** JSON-serialisable facts a person can re-check (records, rcode, chain subjects...). Never secrets. */
export type Evidence = Record<string, unknown>;

export type MessageArgs = Record<string, string | number | boolean>;

/** What a rule returns for one target: data, not prose. */
export interface CheckFinding<M extends string = string> {
  target: string;
  status: Status;
  messageId: M;
  args?: MessageArgs;
  evidence?: Evidence;
  /** Time the probe behind this finding took, when the rule knows it. */
  durationMs?: number;
  /** Targets of the prerequisite rules this finding depends on, when they are not its own target. */
  dependsOn?: readonly string[];
}

/**
 * A target the rule could not judge because data it depends on is missing: the engine replaces
 * it with its standard `skipped` finding naming the prerequisite that reports the problem.
 */
export interface Blocked {
  target: string;
  blocked: true;
  dependsOn?: readonly string[];
}

/** Nothing of the kind the rule examines is in this run: one `skipped` finding, said by the engine. */
export interface NotInScope {
  notInScope: string;
}

export type RuleResult<M extends string> = Array<CheckFinding<M> | Blocked> | NotInScope;

/** The probes and sources of one run; each caches its results, so rules looking at one peer share an exchange. */
export interface Services {
  dns: DnsProbe;
  ntp: NtpProbe;
  certificates: CertificateSource;
  cucm: CucmSource;
  expressway: ExpresswaySource;
  /** Tells the sources what the selected rules need (which CUCM sections to collect). */
  prepare(needs: ReadonlySet<Need>): void;
  /** Undefined when the need is met; otherwise whether the rule is skipped or inconclusive, and why. */
  availability(need: Need): Promise<Unavailable | undefined>;
  close(): Promise<void>;
}

export interface Unavailable {
  status: 'skipped' | 'inconclusive';
  /** A clause: "no NTP servers in the inventory (ntp.servers)". */
  reason: string;
}

export interface CheckContext {
  inventory: Inventory;
  policy: Policy;
  /** The instant certificate dates are judged at (--as-of, default: the start of the run). */
  now: Date;
  /** Aborted when the rule's own deadline passes or the run is cancelled. */
  signal: AbortSignal;
  services: Services;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  run(ctx: CheckContext): Promise<RuleResult<M>>;
}

/** One module per rule: `export default defineRule({ meta: {...}, run })`. */
export function defineRule<const M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}

/** The target of findings that are about the deployment as a whole, not one peer. */
export const DEPLOYMENT = 'deployment';

export const blocked = (target: string, dependsOn?: readonly string[]): Blocked =>
  dependsOn ? { target, blocked: true, dependsOn } : { target, blocked: true };

export const notInScope = (reason: string): NotInScope => ({ notInScope: reason });

export const isBlocked = (item: CheckFinding | Blocked): item is Blocked => 'blocked' in item;
