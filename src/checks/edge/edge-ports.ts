import { EDGE_XMPP_PORT } from '../../edge/source.js';
import { IMP_ROLES } from '../../inventory/types.js';
import { defineRule, notInScope, type CheckFinding } from '../rule.js';
import { EDGE_SCOPE, edgeFixGroup, portTarget } from './targets.js';

type MessageId = 'open' | 'refused' | 'filtered' | 'unreachable' | 'noAddress';

/**
 * MRA-EDGE-001: from outside, each Expressway-E that `_collab-edge._tls.<domain>` names must
 * accept TCP on its SRV port (8443: edge discovery, UDS, HTTPS) and, with IM and Presence, on
 * 5222 (XMPP). Cisco's MRA deployment guide lists both as inbound from the Internet to
 * Expressway-E. A reset is a firewall or a service that refuses (fail); silence is a firewall that
 * drops or a host that is down, which from here cannot be told apart (inconclusive).
 */
export default defineRule({
  meta: {
    id: 'MRA-EDGE-001',
    slug: 'edge-ports',
    area: 'edge',
    severity: 'error',
    title: 'Each Expressway-E that _collab-edge names accepts TCP on 8443 (and 5222 with IM&P) from outside',
    vantage: 'external',
    needs: ['dns.external'],
    scope: EDGE_SCOPE,
    messages: {
      open: '{host} accepts TCP on {port} at {address} ({service}).',
      refused:
        '{host} refuses TCP on {port} at {address} ({service}): nothing listens there or a firewall rejects it, so remote clients cannot connect.',
      filtered: '{host} does not answer TCP on {port} at {address} ({service}): {detail}.',
      unreachable: '{host} at {address} cannot be reached on {port} ({service}): {detail}.',
      noAddress: '{host} has no address in the external view ({problem}), so remote clients cannot reach it.',
    },
    fixGroup: edgeFixGroup,
  },
  async run(ctx) {
    const discovery = await ctx.services.edge.discover(ctx.signal);
    if (!discovery.ok) return notInScope(`${discovery.reason}; MRA-DNS-003 reports the SRV records`);
    const withImp = ctx.inventory.nodes.some((node) => IMP_ROLES.includes(node.role));
    const seen = new Set<string>();
    const findings: CheckFinding<MessageId>[] = [];
    for (const target of discovery.targets) {
      if (target.addresses.length === 0) {
        const key = `${target.host}:${target.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({
          target: `${target.host}:${target.port}`,
          status: 'fail',
          messageId: 'noAddress',
          args: { host: target.host, problem: target.addressProblem ?? 'no A/AAAA record' },
          evidence: { srvTarget: target.host, resolver: target.resolver, domain: target.domain },
        });
        continue;
      }
      const ports = [
        { port: target.port, service: 'edge discovery, UDS and HTTPS' },
        ...(withImp ? [{ port: EDGE_XMPP_PORT, service: 'XMPP for IM and Presence' }] : []),
      ];
      for (const address of target.addresses) {
        for (const { port, service } of ports) {
          const key = portTarget(target.host, port, address);
          if (seen.has(key)) continue;
          seen.add(key);
          const result = await ctx.services.edge.connect(address, port, ctx.signal);
          const args = { host: target.host, port, address, service };
          const evidence = { srvTarget: target.host, resolver: target.resolver, ...result };
          const base = { target: key, evidence, durationMs: result.durationMs };
          if (result.ok) findings.push({ ...base, status: 'pass', messageId: 'open', args });
          else if (result.failure === 'refused') findings.push({ ...base, status: 'fail', messageId: 'refused', args });
          else {
            const messageId = result.failure === 'timeout' ? 'filtered' : 'unreachable';
            findings.push({ ...base, status: 'inconclusive', messageId, args: { ...args, detail: result.detail } });
          }
        }
      }
    }
    return findings;
  },
});
