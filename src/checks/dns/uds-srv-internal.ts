import { defineRule } from '../rule.js';
import { CUCM_ROLES } from '../../inventory/types.js';
import { resolverLabels, UDS_SERVICE } from './names.js';
import { assessSrv, fqdnSet } from './srv.js';
import { srvZoneGroup } from './zones.js';

/**
 * MRA-DNS-001: Expressway-C discovers Unified CM through `_cisco-uds._tcp.<domain>` on the inside
 * (seed: DNS 요구 사항, "로컬에서 확인할 수 있는 DNS SRV"). Every internal resolver must answer it,
 * since Expressway-C and Jabber inside use whichever resolver they are given.
 */
export default defineRule({
  meta: {
    id: 'MRA-DNS-001',
    slug: 'uds-srv-internal',
    area: 'dns',
    severity: 'error',
    title: '_cisco-uds._tcp SRV resolves internally to CUCM nodes on port 8443',
    vantage: 'internal',
    needs: ['dns.internal'],
    scope: 'domains with internal resolvers',
    fixGroup: srvZoneGroup('internal'),
    messages: {
      srvValid:
        '{name} on {resolver} points to CUCM nodes of the inventory on port 8443, and each resolves: {targets}.',
      srvMissing: '{name} has no SRV answer on internal resolver {resolver}: {answer}.',
      srvInvalid: '{name} on {resolver} is wrong: {problems}.',
      queryFailed: 'Could not get {name} SRV from internal resolver {resolver}: {reason}.',
      targetLookupFailed:
        '{name} on {resolver} has SRV records, but their targets could not be resolved there: {reason}.',
    },
  },
  async run(ctx) {
    const cucm = fqdnSet(ctx.inventory.nodes.filter((node) => CUCM_ROLES.includes(node.role)).map((node) => node.fqdn));
    const expectation = {
      isExpectedTarget: (fqdn: string) => cucm.has(fqdn),
      expected: 'a CUCM node of the inventory (role cucm-publisher/cucm-subscriber)',
    };
    const resolvers = resolverLabels(ctx.inventory.dns.internal);
    return Promise.all(
      ctx.inventory.domains.flatMap((domain) =>
        resolvers.map((resolver) => assessSrv(ctx, resolver, `${UDS_SERVICE}.${domain}`, expectation)),
      ),
    );
  },
});
