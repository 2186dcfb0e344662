import type { CheckContext, CheckFinding, Status } from '../rule.js';
import {
  canonicalName,
  isAnswered,
  lookupEvidence,
  queryEvidence,
  describeFailure,
  formatRecord,
  type AddressLookup,
  type DnsRecord,
} from '../../probes/dns.js';
import { MRA_SRV_PORT, recordTarget } from './names.js';

/** Message ids shared by the SRV rules (MRA-DNS-001 internal, MRA-DNS-003 external). */
export type SrvMessage = 'srvValid' | 'srvMissing' | 'srvInvalid' | 'queryFailed' | 'targetLookupFailed';

export interface SrvExpectation {
  /** Whether an SRV target names a node of the role the record must point to. */
  isExpectedTarget(fqdn: string): boolean;
  /** How that role reads in a sentence: "a CUCM node of the inventory". */
  expected: string;
}

const MAX_LISTED_PROBLEMS = 10;

/**
 * Asks one resolver for one SRV name and judges every record: the port MRA uses (8443), a target
 * of the expected role, and a target that resolves (A/AAAA) on that same resolver — a client that
 * gets the SRV from this resolver asks it for the target next.
 */
export async function assessSrv(
  ctx: CheckContext,
  resolver: string,
  name: string,
  expectation: SrvExpectation,
): Promise<CheckFinding<SrvMessage>> {
  const target = recordTarget(name, resolver);
  const result = await ctx.services.dns.query(resolver, name, 'SRV', ctx.signal);
  const evidence: Record<string, unknown> = queryEvidence(result);
  if (!isAnswered(result.outcome)) {
    return {
      target,
      status: 'inconclusive',
      messageId: 'queryFailed',
      args: { name, resolver, reason: describeFailure(result) },
      evidence,
      durationMs: result.durationMs,
    };
  }
  const records = result.answers.filter((record) => record.type === 'SRV');
  if (records.length === 0) {
    const answer = result.outcome === 'nxdomain' ? 'NXDOMAIN' : 'no SRV records (NODATA)';
    return {
      target,
      status: 'fail',
      messageId: 'srvMissing',
      args: { name, resolver, answer },
      evidence,
      durationMs: result.durationMs,
    };
  }
  // Only targets that name an expected node are looked up: any other target fails on its name
  // alone. The number of lookups is then bounded by the inventory, not by the resolver: one that
  // answers with 1,500 records naming unknown hosts would otherwise queue 3,000 A/AAAA queries in
  // the run's shared limiter and starve every other check (test/hardening/dns-fanout.test.ts).
  const lookups = await Promise.all(
    records.map(async (record): Promise<[DnsRecord, AddressLookup | undefined]> => [
      record,
      record.target && expectation.isExpectedTarget(record.target)
        ? await ctx.services.dns.resolveAddresses(resolver, record.target, ctx.signal)
        : undefined,
    ]),
  );
  const problems: string[] = [];
  const unknown: string[] = [];
  for (const [record, lookup] of lookups) {
    const host = record.target ?? '';
    if (host === '') {
      problems.push(`${formatRecord(record)} has target "." (service explicitly not offered)`);
      continue;
    }
    if (record.port !== MRA_SRV_PORT) problems.push(`${host} is on port ${record.port}, not ${MRA_SRV_PORT}`);
    if (!expectation.isExpectedTarget(host)) problems.push(`${host} is not ${expectation.expected}`);
    if (!lookup) continue;
    if (lookup.outcome === 'failed') unknown.push(`${host}: ${lookup.detail ?? 'lookup failed'}`);
    else if (lookup.outcome === 'cname-loop')
      problems.push(`${host} does not resolve: ${lookup.detail ?? 'CNAME loop'}`);
    else if (lookup.outcome !== 'resolved')
      problems.push(
        `${host} does not resolve on ${resolver} (${lookup.outcome === 'nxdomain' ? 'NXDOMAIN' : 'no A/AAAA'})`,
      );
  }
  evidence.targets = lookups.map(([record, lookup]) => ({
    target: record.target === '' ? '.' : record.target,
    port: record.port,
    priority: record.priority,
    weight: record.weight,
    expectedRole: expectation.isExpectedTarget(record.target ?? ''),
    ...(lookup ? { lookup: lookupEvidence(lookup) } : {}),
  }));
  const durationMs =
    result.durationMs +
    Math.max(
      0,
      ...lookups.map(([, lookup]) => Math.max(0, ...(lookup?.queries ?? []).map((query) => query.durationMs))),
    );
  const status: Status = problems.length > 0 ? 'fail' : unknown.length > 0 ? 'inconclusive' : 'pass';
  // The message stays a sentence however many records the resolver sent; the evidence has them all.
  const listed =
    problems.length > MAX_LISTED_PROBLEMS
      ? [...problems.slice(0, MAX_LISTED_PROBLEMS), `${problems.length - MAX_LISTED_PROBLEMS} more (see evidence)`]
      : problems;
  if (status === 'fail')
    return {
      target,
      status,
      messageId: 'srvInvalid',
      args: { name, resolver, problems: listed.join('; ') },
      evidence,
      durationMs,
    };
  if (status === 'inconclusive') {
    return {
      target,
      status,
      messageId: 'targetLookupFailed',
      args: { name, resolver, reason: unknown.join('; ') },
      evidence,
      durationMs,
    };
  }
  const targets = records.map((record) => `${record.target}:${record.port}`).join(', ');
  return { target, status, messageId: 'srvValid', args: { name, resolver, targets }, evidence, durationMs };
}

/** The node FQDNs of some roles, compared the way DNS compares names. */
export function fqdnSet(fqdns: readonly string[]): Set<string> {
  return new Set(fqdns.map(canonicalName));
}
