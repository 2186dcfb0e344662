import {
  createDnsProbeFrom,
  type DnsOutcome,
  type DnsProbe,
  type DnsQueryType,
  type DnsRecord,
  type DnsResult,
} from '../../../src/probes/dns.js';

/**
 * A resolver answering from a table, for judging edge cases to the record: each (name, type) maps
 * to records, or to an outcome (nxdomain, servfail...). Names not in the table are NXDOMAIN.
 * Every question asked is kept, in order.
 */
export interface FakeZone {
  dns: DnsProbe;
  asked: string[];
}

export type Entry = DnsRecord[] | DnsOutcome;

export function fakeZone(table: Record<string, Entry>, durationMs = 5): FakeZone {
  const asked: string[] = [];
  const dns = createDnsProbeFrom((resolver: string, name: string, type: DnsQueryType): DnsResult => {
    asked.push(`${name} ${type}`);
    const entry =
      table[`${name} ${type}`] ?? (Object.keys(table).some((key) => key.startsWith(`${name} `)) ? [] : 'nxdomain');
    const records = Array.isArray(entry) ? entry : [];
    const outcome: DnsOutcome = Array.isArray(entry) ? (records.length > 0 ? 'answer' : 'nodata') : entry;
    return {
      resolver,
      name,
      type,
      outcome,
      ...(outcome === 'servfail' ? { rcode: 'SERVFAIL' } : {}),
      answers: records,
      tcp: false,
      durationMs,
    };
  });
  return { dns, asked };
}

export const srv = (name: string, target: string, port = 8443, priority = 10, weight = 10): DnsRecord => ({
  name,
  type: 'SRV',
  ttl: 300,
  data: `${priority} ${weight} ${port} ${target === '' ? '.' : `${target}.`}`,
  target,
  port,
  priority,
  weight,
});

export const a = (name: string, address: string): DnsRecord => ({ name, type: 'A', ttl: 300, data: address, address });

export const cname = (name: string, target: string): DnsRecord => ({
  name,
  type: 'CNAME',
  ttl: 300,
  data: `${target}.`,
  target,
});
