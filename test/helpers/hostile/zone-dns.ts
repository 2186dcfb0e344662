import { Packet } from 'dns2';
import { startUdpPeer, type UdpPeer } from './udp.js';

/** Records a scripted resolver serves: SRV, A and PTR (the benchmark lab, the hardening tests' healthy peer). */
export interface ScriptedZone {
  srv: Record<string, Array<{ target: string; port: number }>>;
  a: Record<string, string>;
  ptr: Record<string, string>;
}

type Answer = Record<string, unknown>;

/**
 * A well-behaved resolver on 127.0.0.1 that answers from `zone` and counts every datagram it receives: the
 * server-side count is what the deduplication figure is measured against.
 */
export function startCountingResolver(zone: ScriptedZone, options: { delayMs?: number } = {}): Promise<UdpPeer> {
  return startUdpPeer(
    (bytes) => {
      let request: InstanceType<typeof Packet>;
      try {
        request = Packet.parse(bytes);
      } catch {
        return undefined;
      }
      const response = Packet.createResponseFromRequest(request);
      response.header.ra = 1;
      response.header.aa = 1;
      const question = request.questions[0];
      if (!question) return response.toBuffer();
      const name = question.name.toLowerCase().replace(/\.$/, '');
      const base = { name: question.name, class: Packet.CLASS.IN, ttl: 300 };
      const answers: Answer[] = [];
      if (question.type === Packet.TYPE.SRV) {
        for (const record of zone.srv[name] ?? [])
          answers.push({
            ...base,
            type: Packet.TYPE.SRV,
            priority: 10,
            weight: 10,
            port: record.port,
            target: record.target,
          });
      } else if (question.type === Packet.TYPE.A && zone.a[name]) {
        answers.push({ ...base, type: Packet.TYPE.A, address: zone.a[name] });
      } else if (question.type === Packet.TYPE.PTR && zone.ptr[name]) {
        answers.push({ ...base, type: Packet.TYPE.PTR, domain: zone.ptr[name] });
      }
      const known = name in zone.srv || name in zone.a || name in zone.ptr;
      if (!known) response.header.rcode = Packet.RCODE.NXDOMAIN;
      response.answers.push(...(answers as unknown as typeof response.answers));
      return response.toBuffer();
    },
    0,
    options.delayMs ?? 0,
  );
}
