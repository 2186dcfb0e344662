import { defineRule } from '../rule.js';
import { COLLAB_EDGE_SERVICE, resolverLabels } from './names.js';
import { assessSrv, fqdnSet } from './srv.js';
import { srvZoneGroup } from './zones.js';

/**
 * MRA-DNS-003: a Jabber client outside finds the edge through `_collab-edge._tls.<domain>`, which
 * must lead to an Expressway-E on 8443 and resolve in the public view; otherwise MRA login never
 * starts from the Internet.
 */
export default defineRule({
  meta: {
    id: 'MRA-DNS-003',
    slug: 'collab-edge-srv-external',
    area: 'dns',
    severity: 'error',
    title: '_collab-edge._tls SRV resolves externally to Expressway-E on port 8443',
    vantage: 'any',
    needs: ['dns.external'],
    scope: 'domains with external resolvers',
    fixGroup: srvZoneGroup('external'),
    messages: {
      srvValid:
        '{name} on external resolver {resolver} points to Expressway-E on port 8443, and each target resolves: {targets}.',
      srvMissing:
        '{name} has no SRV answer on external resolver {resolver}: {answer}; clients outside cannot find the edge.',
      srvInvalid: '{name} on external resolver {resolver} is wrong: {problems}.',
      queryFailed: 'Could not get {name} SRV from external resolver {resolver}: {reason}.',
      targetLookupFailed:
        '{name} on {resolver} has SRV records, but their targets could not be resolved there: {reason}.',
    },
  },
  async run(ctx) {
    const edges = fqdnSet(ctx.inventory.nodes.filter((node) => node.role === 'expressway-e').map((node) => node.fqdn));
    const expectation = {
      isExpectedTarget: (fqdn: string) => edges.has(fqdn),
      expected: 'an Expressway-E of the inventory',
    };
    const resolvers = resolverLabels(ctx.inventory.dns.external);
    return Promise.all(
      ctx.inventory.domains.flatMap((domain) =>
        resolvers.map((resolver) => assessSrv(ctx, resolver, `${COLLAB_EDGE_SERVICE}.${domain}`, expectation)),
      ),
    );
  },
});
