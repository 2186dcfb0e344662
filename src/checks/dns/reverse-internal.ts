import { defineRule, type CheckFinding } from '../rule.js';
import type { InventoryNode } from '../../inventory/types.js';
import {
  canonicalIp,
  describeFailure,
  isAnswered,
  lookupEvidence,
  queryEvidence,
  reverseName,
} from '../../probes/dns.js';
import { resolverLabels } from './names.js';
import { reverseZoneGroup } from './zones.js';

type Message = 'reverseOk' | 'ptrMissing' | 'ptrOtherHost' | 'ptrNotConfirmed' | 'reverseFailed' | 'noAddress';

type Kind = 'ok' | 'missing' | 'other-host' | 'not-confirmed' | 'unknown';

/** Worst first: the finding's message names the most basic problem any resolver showed. */
const ORDER: readonly Kind[] = ['missing', 'other-host', 'not-confirmed', 'unknown', 'ok'];
const MESSAGE: Record<Exclude<Kind, 'ok' | 'unknown'>, Message> = {
  missing: 'ptrMissing',
  'other-host': 'ptrOtherHost',
  'not-confirmed': 'ptrNotConfirmed',
};

/**
 * MRA-DNS-005: seed, DNS 요구 사항: reverse records for every UC node, "so that Expressway-C finds
 * the nodes when they are given by IP address or host name". The PTR must name the node itself
 * and be forward-confirmed (the name resolves back to the address), as Expressway-C relies on both.
 */
export default defineRule({
  meta: {
    id: 'MRA-DNS-005',
    slug: 'reverse-internal',
    area: 'dns',
    severity: 'error',
    title: "Every node's address has an internal PTR naming the node, confirmed forward",
    vantage: 'internal',
    needs: ['dns.internal'],
    scope: 'nodes in the inventory (nodes[])',
    fixGroup: reverseZoneGroup,
    messages: {
      reverseOk: '{ip} has a PTR naming {fqdn} on every internal resolver, and {fqdn} resolves back to {ip}.',
      ptrMissing: '{ip} ({fqdn}) has no PTR record internally: {problems}.',
      ptrOtherHost: 'The PTR of {ip} does not name {fqdn}: {problems}.',
      ptrNotConfirmed: 'The PTR of {ip} names {fqdn}, but {fqdn} does not resolve back to {ip}: {problems}.',
      reverseFailed: 'Could not check the reverse record of {ip} ({fqdn}): {reason}.',
      noAddress: 'The inventory gives {fqdn} no ip, so there is no address to look up in reverse.',
    },
  },
  async run(ctx) {
    const resolvers = resolverLabels(ctx.inventory.dns.internal);
    return Promise.all(
      ctx.inventory.nodes.map(async (node: InventoryNode): Promise<CheckFinding<Message>> => {
        const { fqdn } = node;
        if (node.ip === undefined) return { target: fqdn, status: 'skipped', messageId: 'noAddress', args: { fqdn } };
        const ip = canonicalIp(node.ip);
        const ptrName = reverseName(ip);
        const perResolver = await Promise.all(
          resolvers.map(async (resolver) => {
            const ptr = await ctx.services.dns.query(resolver, ptrName, 'PTR', ctx.signal);
            const names = ptr.answers.filter((record) => record.type === 'PTR').map((record) => record.target ?? '');
            const evidence: Record<string, unknown> = queryEvidence(ptr);
            const verdict = async (): Promise<{ kind: Kind; text: string }> => {
              if (!isAnswered(ptr.outcome)) return { kind: 'unknown', text: `${resolver}: ${describeFailure(ptr)}` };
              if (names.length === 0)
                return {
                  kind: 'missing',
                  text: `${resolver}: ${ptr.outcome === 'nxdomain' ? 'NXDOMAIN' : 'no PTR record'} for ${ptrName}`,
                };
              if (!names.includes(fqdn)) return { kind: 'other-host', text: `${resolver} says ${names.join(', ')}` };
              // Forward-confirm on the same resolver: the name must lead back to this address.
              const forward = await ctx.services.dns.resolveAddresses(resolver, fqdn, ctx.signal);
              evidence.forwardConfirm = lookupEvidence(forward);
              if (forward.outcome === 'failed')
                return { kind: 'unknown', text: `${resolver}: ${forward.detail ?? 'forward lookup failed'}` };
              if (!forward.addresses.includes(ip)) {
                const got =
                  forward.outcome === 'resolved'
                    ? forward.addresses.join(', ')
                    : forward.outcome === 'nxdomain'
                      ? 'NXDOMAIN'
                      : forward.outcome;
                return { kind: 'not-confirmed', text: `${resolver}: ${fqdn} gives ${got}` };
              }
              return { kind: 'ok', text: resolver };
            };
            return { ...(await verdict()), evidence };
          }),
        );
        const evidence = { fqdn, ip, ptrName, resolvers: perResolver.map((entry) => entry.evidence) };
        const worst = ORDER.find((kind) => perResolver.some((entry) => entry.kind === kind)) ?? 'ok';
        const problems = perResolver
          .filter((entry) => entry.kind !== 'ok')
          .map((entry) => entry.text)
          .join('; ');
        if (worst === 'ok')
          return { target: fqdn, status: 'pass', messageId: 'reverseOk', args: { fqdn, ip }, evidence };
        if (worst === 'unknown')
          return {
            target: fqdn,
            status: 'inconclusive',
            messageId: 'reverseFailed',
            args: { fqdn, ip, reason: problems },
            evidence,
          };
        return { target: fqdn, status: 'fail', messageId: MESSAGE[worst], args: { fqdn, ip, problems }, evidence };
      }),
    );
  },
});
