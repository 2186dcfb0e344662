import dnsPacket, { type Answer, type DecodedPacket } from 'dns-packet';
import { startUdpPeer, type UdpPeer } from './udp.js';

/** Records a scripted resolver serves: SRV, A and PTR (the benchmark lab, the hardening tests' healthy peer). */
export interface ScriptedZone {
  srv: Record<string, Array<{ target: string; port: number }>>;
  a: Record<string, string>;
  ptr: Record<string, string>;
}

/** RCODE 3 (RFC 1035 4.1.1), the low four bits of the flags word. */
const NXDOMAIN = 3;

/**
 * A well-behaved resolver on 127.0.0.1 that answers from `zone` and counts every datagram it receives: the
 * server-side count is what the deduplication figure is measured against.
 */
export function startCountingResolver(zone: ScriptedZone, options: { delayMs?: number } = {}): Promise<UdpPeer> {
  return startUdpPeer(
    (bytes) => {
      let request: DecodedPacket;
      try {
        request = dnsPacket.decode(bytes);
      } catch {
        return undefined;
      }
      const question = request.questions?.[0];
      const name = question?.name.toLowerCase().replace(/\.$/, '') ?? '';
      const base = { name: question?.name ?? '', class: 'IN' as const, ttl: 300 };
      const answers: Answer[] = [];
      if (question?.type === 'SRV') {
        for (const record of zone.srv[name] ?? [])
          answers.push({
            ...base,
            type: 'SRV',
            data: { priority: 10, weight: 10, port: record.port, target: record.target },
          });
      } else if (question?.type === 'A' && zone.a[name]) {
        answers.push({ ...base, type: 'A', data: zone.a[name] });
      } else if (question?.type === 'PTR' && zone.ptr[name]) {
        answers.push({ ...base, type: 'PTR', data: zone.ptr[name] });
      }
      const known = !question || name in zone.srv || name in zone.a || name in zone.ptr;
      return dnsPacket.encode({
        type: 'response',
        id: request.id ?? 0,
        flags:
          dnsPacket.RECURSION_DESIRED |
          dnsPacket.RECURSION_AVAILABLE |
          dnsPacket.AUTHORITATIVE_ANSWER |
          (known ? 0 : NXDOMAIN),
        questions: request.questions ?? [],
        answers,
      });
    },
    0,
    options.delayMs ?? 0,
  );
}
