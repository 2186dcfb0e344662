import { isIP } from 'node:net';
import { defineRule, type CheckFinding } from '../rule.js';
import type { InventoryNode } from '../../inventory/types.js';
import { canonicalIp, lookupEvidence, type AddressLookup } from '../../probes/dns.js';
import { resolverLabels } from './names.js';
import { forwardZoneGroup } from './zones.js';

type Message = 'forwardOk' | 'forwardOkNoIp' | 'forwardMissing' | 'forwardWrong' | 'forwardFailed';

/** How one resolver's answer for a node's FQDN compares with the inventory address. */
export function forwardVerdict(
  lookup: AddressLookup,
  ip: string | undefined,
): { kind: 'ok' | 'missing' | 'wrong' | 'unknown'; text: string } {
  const where = lookup.resolver;
  if (lookup.outcome === 'failed') return { kind: 'unknown', text: `${where}: ${lookup.detail ?? 'no answer'}` };
  if (lookup.outcome === 'cname-loop') return { kind: 'missing', text: `${where}: ${lookup.detail ?? 'CNAME loop'}` };
  if (lookup.outcome !== 'resolved')
    return { kind: 'missing', text: `${where}: ${lookup.outcome === 'nxdomain' ? 'NXDOMAIN' : 'no A/AAAA record'}` };
  const got = lookup.addresses.join(', ');
  if (ip === undefined) return { kind: 'ok', text: `${where}: ${got}` };
  const wanted = canonicalIp(ip);
  const family = isIP(wanted);
  // A second address of the same family means some connections go to another host.
  const others = lookup.addresses.filter((address) => address !== wanted && isIP(address) === family);
  if (!lookup.addresses.includes(wanted) || others.length > 0) return { kind: 'wrong', text: `${where} gives ${got}` };
  return { kind: 'ok', text: `${where}: ${got}` };
}

/**
 * MRA-DNS-004: seed, DNS 요구 사항: internal forward records for every UC node used by MRA, so
 * Expressway-C reaches each node by its FQDN. Every internal resolver is asked, since Expressway-C
 * may use any of them.
 */
export default defineRule({
  meta: {
    id: 'MRA-DNS-004',
    slug: 'forward-internal',
    area: 'dns',
    severity: 'error',
    title: "Every node's FQDN resolves internally to its inventory address",
    vantage: 'internal',
    needs: ['dns.internal'],
    scope: 'nodes in the inventory (nodes[])',
    fixGroup: forwardZoneGroup,
    messages: {
      forwardOk: '{fqdn} resolves to its inventory address {ip} on every internal resolver ({resolvers}).',
      forwardOkNoIp:
        '{fqdn} resolves on every internal resolver ({answers}); the inventory gives no ip to compare with.',
      forwardMissing: '{fqdn} does not resolve internally: {problems}.',
      forwardWrong: '{fqdn} does not resolve to its inventory address {ip} only: {problems}.',
      forwardFailed: 'Could not resolve {fqdn} on every internal resolver: {reason}.',
    },
  },
  async run(ctx) {
    const resolvers = resolverLabels(ctx.inventory.dns.internal);
    return Promise.all(
      ctx.inventory.nodes.map(async (node: InventoryNode): Promise<CheckFinding<Message>> => {
        const lookups = await Promise.all(
          resolvers.map((resolver) => ctx.services.dns.resolveAddresses(resolver, node.fqdn, ctx.signal)),
        );
        const verdicts = lookups.map((lookup) => forwardVerdict(lookup, node.ip));
        const evidence = {
          fqdn: node.fqdn,
          ...(node.ip ? { inventoryIp: node.ip } : {}),
          resolvers: lookups.map(lookupEvidence),
        };
        const durationMs = Math.max(0, ...lookups.flatMap((lookup) => lookup.queries.map((query) => query.durationMs)));
        const base = { target: node.fqdn, evidence, durationMs };
        const texts = (kind: string): string =>
          verdicts
            .filter((verdict) => verdict.kind === kind)
            .map((verdict) => verdict.text)
            .join('; ');
        const ip = node.ip ?? '';
        if (verdicts.some((verdict) => verdict.kind === 'missing')) {
          return {
            ...base,
            status: 'fail',
            messageId: 'forwardMissing',
            args: { fqdn: node.fqdn, problems: [texts('missing'), texts('wrong')].filter(Boolean).join('; ') },
          };
        }
        if (verdicts.some((verdict) => verdict.kind === 'wrong')) {
          return {
            ...base,
            status: 'fail',
            messageId: 'forwardWrong',
            args: { fqdn: node.fqdn, ip, problems: texts('wrong') },
          };
        }
        if (verdicts.some((verdict) => verdict.kind === 'unknown')) {
          return {
            ...base,
            status: 'inconclusive',
            messageId: 'forwardFailed',
            args: { fqdn: node.fqdn, reason: texts('unknown') },
          };
        }
        if (node.ip === undefined)
          return {
            ...base,
            status: 'pass',
            messageId: 'forwardOkNoIp',
            args: { fqdn: node.fqdn, answers: texts('ok') },
          };
        return {
          ...base,
          status: 'pass',
          messageId: 'forwardOk',
          args: { fqdn: node.fqdn, ip, resolvers: resolvers.join(', ') },
        };
      }),
    );
  },
});
