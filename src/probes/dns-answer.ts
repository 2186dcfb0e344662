import dnsPacket, { type Answer } from 'dns-packet';
import { isIP } from 'node:net';

/**
 * How a DNS reply is judged: the outcome of a query (answer, NODATA, NXDOMAIN, SERVFAIL...), the
 * records in dig's presentation form, a reply that is not the answer to our question refused, and
 * CNAME chains followed to the addresses of a name. No sockets here: dns.ts sends and receives,
 * this decides what came back means.
 */

export type DnsQueryType = 'A' | 'AAAA' | 'CNAME' | 'SRV' | 'PTR' | 'TXT' | 'NS' | 'SOA';

/**
 * What one query came to. The first three are answers a check can judge; the others mean the
 * resolver could not be asked (or did not say) and are never a pass.
 */
export type DnsOutcome =
  | 'answer' // NOERROR with records in the answer section
  | 'nodata' // NOERROR, empty answer section: the name exists, the type does not
  | 'nxdomain'
  | 'servfail'
  | 'refused'
  | 'error-rcode' // FORMERR, NOTIMP and the other error codes
  | 'timeout'
  | 'malformed' // a reply arrived but cannot be trusted: undecodable, wrong id, wrong question
  | 'network-error';

export const ANSWERED: readonly DnsOutcome[] = ['answer', 'nodata', 'nxdomain'];

export function isAnswered(outcome: DnsOutcome): boolean {
  return ANSWERED.includes(outcome);
}

/** One resource record, with the RDATA in the presentation form dig prints. */
export interface DnsRecord {
  /** Owner name, lower case, no trailing dot. */
  name: string;
  type: string;
  ttl: number;
  data: string;
  /** A / AAAA */
  address?: string;
  /** CNAME, PTR, NS, SRV (lower case, no trailing dot) */
  target?: string;
  priority?: number;
  weight?: number;
  port?: number;
}

export interface DnsResult {
  /** The resolver as it appears in targets and evidence: 10.1.1.53:53, [::1]:5353. */
  resolver: string;
  name: string;
  type: DnsQueryType;
  outcome: DnsOutcome;
  /** Response code as sent, when a reply was decoded. */
  rcode?: string;
  answers: DnsRecord[];
  /** The answer came over TCP after a truncated (TC=1) UDP reply. */
  tcp: boolean;
  authoritative?: boolean;
  /** Why the query failed (timeout, decode error, socket error). */
  detail?: string;
  durationMs: number;
}

/** Forward lookup of a host name (A and AAAA), following CNAME chains. */
export interface AddressLookup {
  resolver: string;
  name: string;
  outcome: 'resolved' | 'nodata' | 'nxdomain' | 'failed' | 'cname-loop';
  /** Canonical text form, de-duplicated. */
  addresses: string[];
  /** The names the lookup went through: [name, cname target, ...]. */
  chain: string[];
  /** Every query the lookup made, in order. */
  queries: DnsResult[];
  /** The first query that got no usable answer (timeout, SERVFAIL...), when there was one. */
  failure?: DnsResult;
  detail?: string;
}

export interface DnsProbe {
  /** One query; identical (resolver, name, type) queries in a run are sent once. */
  query(resolver: string, name: string, type: DnsQueryType, signal?: AbortSignal): Promise<DnsResult>;
  /** A and AAAA of a name on one resolver, following CNAMEs up to MAX_CNAME_HOPS, within LOOKUP_BUDGET timeouts. */
  resolveAddresses(resolver: string, name: string, signal?: AbortSignal): Promise<AddressLookup>;
  close?(): Promise<void>;
}

/** Longer chains are treated as a loop: resolvers themselves give up around this depth. */
export const MAX_CNAME_HOPS = 8;

/** Header RCODE values (RFC 1035 4.1.1; 6-10 RFC 2136; 11 RFC 8490). 12-15 are unassigned. */
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const RCODE_NAMES = [...Object.keys(RCODE), 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'DSOTYPENI'];
export const rcodeName = (code: number): string => RCODE_NAMES[code] ?? `RCODE${code}`;

/** Lower case, no trailing dot: how names are compared everywhere in the dns area. */
export function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The eight groups of an IPv6 address (hex, no leading zeros); handles `::` and a dotted tail. */
function ipv6Groups(ip: string): number[] {
  let text = ip.trim().toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros =
    tail === undefined ? [] : Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16) || 0);
}

/**
 * RFC 5952 section 4: lower case, no leading zeros, the longest run of two or more zero groups
 * (the first on a tie) written `::`, a lone zero group kept.
 */
function formatIpv6(groups: readonly number[]): string {
  let best = { start: -1, length: 1 };
  for (let start = 0; start < groups.length;) {
    let end = start;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - start > best.length) best = { start, length: end - start };
    start = end === start ? start + 1 : end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** The text form addresses are compared in (IPv6 compressed per RFC 5952, lower case). */
export function canonicalIp(ip: string): string {
  const value = ip.trim();
  return isIP(value) === 6 ? formatIpv6(ipv6Groups(value)) : value;
}

/** The PTR owner name of an address: 10.1.1.10.in-addr.arpa reversed, or the ip6.arpa nibbles. */
export function reverseName(ip: string): string {
  if (isIP(ip) === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const nibbles = ipv6Groups(ip)
    .map((group) => group.toString(16).padStart(4, '0'))
    .join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}

/** `name. TTL IN TYPE rdata`, as dig prints it, so a reader can compare with `dig @resolver`. */
export function formatRecord(record: DnsRecord): string {
  return `${record.name}. ${record.ttl} IN ${record.type} ${record.data}`;
}

/** The facts of one query, for evidence. */
export function queryEvidence(result: DnsResult): Record<string, unknown> {
  return {
    resolver: result.resolver,
    question: `${result.name} ${result.type}`,
    outcome: result.outcome,
    ...(result.rcode !== undefined ? { rcode: result.rcode } : {}),
    answers: result.answers.map(formatRecord),
    tcp: result.tcp,
    ...(result.detail ? { detail: result.detail } : {}),
  };
}

/** One sentence for an unanswered query, for messages. */
export function describeFailure(result: DnsResult): string {
  switch (result.outcome) {
    case 'timeout':
      return result.detail ?? 'no reply within the timeout';
    case 'servfail':
    case 'refused':
    case 'error-rcode':
      return `the resolver answered ${result.rcode ?? result.outcome}`;
    default:
      return result.detail ?? result.outcome;
  }
}

/** RFC 3597 section 5: the generic presentation form of RDATA we do not interpret. */
const genericRdata = (bytes: Buffer): string => `\\# ${bytes.length} ${bytes.toString('hex')}`;

export function toRecord(answer: Answer): DnsRecord {
  const base = { name: canonicalName(answer.name), type: answer.type, ttl: 'ttl' in answer ? (answer.ttl ?? 0) : 0 };
  switch (answer.type) {
    case 'A':
      return { ...base, data: answer.data, address: answer.data };
    case 'AAAA': {
      const address = canonicalIp(answer.data);
      return { ...base, data: address, address };
    }
    case 'CNAME':
    case 'PTR':
    case 'NS':
    case 'DNAME':
      return { ...base, data: `${canonicalName(answer.data)}.`, target: canonicalName(answer.data) };
    case 'SRV': {
      const target = canonicalName(answer.data.target);
      const { priority = 0, weight = 0, port = 0 } = answer.data;
      return { ...base, data: `${priority} ${weight} ${port} ${target}.`, target, priority, weight, port };
    }
    case 'TXT': {
      const data = answer.data;
      const strings = (Array.isArray(data) ? data : [data]).map((text) => text.toString());
      return { ...base, data: strings.map((text) => JSON.stringify(text)).join(' ') };
    }
    case 'SOA': {
      const soa = answer.data;
      return {
        ...base,
        data: `${canonicalName(soa.mname)}. ${canonicalName(soa.rname)}. ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`,
      };
    }
    case 'MX':
      return { ...base, data: `${answer.data.preference} ${canonicalName(answer.data.exchange)}.` };
    default:
      return { ...base, data: 'data' in answer && Buffer.isBuffer(answer.data) ? genericRdata(answer.data) : '' };
  }
}

/** A reply that arrived but cannot be trusted. */
export class MalformedReply extends Error {}

/** What the probe keeps of a reply: the header facts and the answer section. */
export interface DnsReply {
  rcode: number;
  truncated: boolean;
  authoritative: boolean;
  answers: Answer[];
}

const HEADER_SIZE = 12;

/**
 * Decodes a reply and refuses anything that is not the answer to our question: a stub resolver
 * would drop such packets silently, which would turn a broken resolver into a timeout and hide
 * what it did. dns-packet throws on names that run past the message, labels over 63 octets and
 * compression pointers that do not point backwards (RFC 1035 4.1.4), so a pointer loop is an error.
 */
export function decodeReply(bytes: Buffer, id: number, name: string, type: DnsQueryType): DnsReply {
  if (bytes.length < HEADER_SIZE) {
    throw new MalformedReply(`reply is ${bytes.length} octets, shorter than the 12-octet DNS header`);
  }
  const replyId = bytes.readUInt16BE(0);
  if (replyId !== id) throw new MalformedReply(`reply id ${replyId} does not match query id ${id}`);
  if ((bytes[2]! & 0x80) === 0) throw new MalformedReply('reply has the QR bit clear (it is a query, not a response)');
  const truncated = (bytes[2]! & 0x02) !== 0;
  const header = { rcode: bytes[3]! & 0x0f, truncated, authoritative: (bytes[2]! & 0x04) !== 0 };
  let reply: ReturnType<typeof dnsPacket.decode>;
  try {
    reply = dnsPacket.decode(bytes);
  } catch (error) {
    // A truncated UDP reply may legitimately end mid-record; only the TC bit matters then.
    if (truncated) return { ...header, answers: [] };
    throw new MalformedReply(`reply cannot be decoded: ${(error as Error).message}`);
  }
  const question = reply.questions?.[0];
  if (question && (canonicalName(question.name) !== canonicalName(name) || question.type !== type)) {
    throw new MalformedReply(
      `reply is for ${canonicalName(question.name)} ${question.type}, not ${canonicalName(name)} ${type}`,
    );
  }
  return { ...header, answers: reply.answers ?? [] };
}

/** The outcome of a decoded reply: the response code, and for NOERROR whether records came back. */
export function outcomeOf(rcode: number, answers: readonly DnsRecord[]): DnsOutcome {
  if (rcode === RCODE.NOERROR) return answers.length > 0 ? 'answer' : 'nodata';
  if (rcode === RCODE.NXDOMAIN) return 'nxdomain';
  if (rcode === RCODE.SERVFAIL) return 'servfail';
  if (rcode === RCODE.REFUSED) return 'refused';
  return 'error-rcode';
}

/** Follows the CNAME records of an answer section from `name`; returns the final owner name. */
function followAnswerChain(name: string, answers: readonly DnsRecord[], chain: string[]): string | 'loop' {
  let owner = name;
  for (;;) {
    const cname = answers.find((record) => record.type === 'CNAME' && record.name === owner);
    if (!cname?.target) return owner;
    if (chain.includes(cname.target) || chain.length > MAX_CNAME_HOPS) return 'loop';
    chain.push(cname.target);
    owner = cname.target;
  }
}

interface FamilyLookup {
  outcome: AddressLookup['outcome'];
  addresses: string[];
  chain: string[];
  queries: DnsResult[];
  failure?: DnsResult;
}

async function lookupFamily(
  query: DnsProbe['query'],
  resolver: string,
  name: string,
  type: 'A' | 'AAAA',
  signal?: AbortSignal,
): Promise<FamilyLookup> {
  const chain = [canonicalName(name)];
  const queries: DnsResult[] = [];
  let current = chain[0]!;
  // An authoritative server stops a chain at its zone's edge; ask again for the name it ended on.
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const result = await query(resolver, current, type, signal);
    queries.push(result);
    if (!isAnswered(result.outcome)) {
      // BIND answers SERVFAIL for a looping chain and includes the loop: that is a fact, not a failure.
      if (followAnswerChain(current, result.answers, chain) === 'loop')
        return { outcome: 'cname-loop', addresses: [], chain, queries };
      return { outcome: 'failed', addresses: [], chain, queries, failure: result };
    }
    const owner = followAnswerChain(current, result.answers, chain);
    if (owner === 'loop') return { outcome: 'cname-loop', addresses: [], chain, queries };
    const addresses = result.answers
      .filter((record) => record.type === type && record.name === owner)
      .map((record) => canonicalIp(record.address ?? ''));
    if (addresses.length > 0) return { outcome: 'resolved', addresses, chain, queries };
    if (owner === current)
      return { outcome: result.outcome === 'nxdomain' ? 'nxdomain' : 'nodata', addresses: [], chain, queries };
    if (result.outcome === 'nxdomain') return { outcome: 'nxdomain', addresses: [], chain, queries };
    current = owner;
  }
  return { outcome: 'cname-loop', addresses: [], chain, queries };
}

export async function resolveAddressesWith(
  query: DnsProbe['query'],
  resolver: string,
  name: string,
  signal?: AbortSignal,
): Promise<AddressLookup> {
  const [v4, v6] = await Promise.all([
    lookupFamily(query, resolver, name, 'A', signal),
    lookupFamily(query, resolver, name, 'AAAA', signal),
  ]);
  const addresses = [...new Set([...v4.addresses, ...v6.addresses])];
  const chain = v4.chain.length >= v6.chain.length ? v4.chain : v6.chain;
  const queries = [...v4.queries, ...v6.queries];
  const failure = v4.failure ?? v6.failure;
  const base = { resolver, name: canonicalName(name), addresses, chain, queries, ...(failure ? { failure } : {}) };
  if (addresses.length > 0) return { ...base, outcome: 'resolved' };
  if (v4.outcome === 'cname-loop' || v6.outcome === 'cname-loop') {
    return {
      ...base,
      outcome: 'cname-loop',
      detail: `CNAME chain ${chain.join(' -> ')} loops or exceeds ${MAX_CNAME_HOPS} hops`,
    };
  }
  if (failure) return { ...base, outcome: 'failed', detail: describeFailure(failure) };
  if (v4.outcome === 'nxdomain' && v6.outcome === 'nxdomain') return { ...base, outcome: 'nxdomain' };
  return { ...base, outcome: 'nodata' };
}

/** The records of an address lookup, for evidence (queries included: a reader can replay them). */
export function lookupEvidence(lookup: AddressLookup): Record<string, unknown> {
  return {
    resolver: lookup.resolver,
    name: lookup.name,
    outcome: lookup.outcome,
    addresses: lookup.addresses,
    ...(lookup.chain.length > 1 ? { cnameChain: lookup.chain } : {}),
    queries: lookup.queries.map(queryEvidence),
    ...(lookup.detail ? { detail: lookup.detail } : {}),
  };
}

/** A probe answering from a function (tests: injected SERVFAIL, REFUSED, malformed...). */
export function createDnsProbeFrom(
  answer: (resolver: string, name: string, type: DnsQueryType) => Promise<DnsResult> | DnsResult,
): DnsProbe {
  const query: DnsProbe['query'] = async (resolver, name, type) => answer(resolver, canonicalName(name), type);
  return {
    query,
    resolveAddresses: (resolver, name, signal) => resolveAddressesWith(query, resolver, name, signal),
  };
}
