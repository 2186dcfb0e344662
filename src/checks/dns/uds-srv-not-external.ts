import { defineRule, type CheckFinding } from '../rule.js';
import { describeFailure, formatRecord, isAnswered, queryEvidence } from '../../probes/dns.js';
import { CUPLOGIN_SERVICE, recordTarget, resolverLabels, UDS_SERVICE } from './names.js';
import { srvZoneGroup } from './zones.js';

type Message = 'notPublished' | 'leaked' | 'queryFailed';

/**
 * MRA-DNS-002: the seed says "로컬 네트워크 외부에서 SRV 레코드를 확인할 수 없는지 확인합니다":
 * a Jabber client that finds `_cisco-uds` or `_cuplogin` from outside tries to register directly
 * against CUCM/IM&P instead of using `_collab-edge`, and MRA never starts. Only a definite
 * NXDOMAIN/NODATA proves the name is hidden; a resolver that did not answer proves nothing.
 */
export default defineRule({
  meta: {
    id: 'MRA-DNS-002',
    slug: 'uds-srv-not-external',
    area: 'dns',
    severity: 'error',
    title: '_cisco-uds and _cuplogin SRV records are not visible externally',
    vantage: 'any',
    needs: ['dns.external'],
    scope: 'domains with external resolvers',
    fixGroup: srvZoneGroup('external'),
    messages: {
      notPublished: '{name} does not resolve on external resolver {resolver} ({answer}), as required.',
      leaked: '{name} resolves on external resolver {resolver}, so clients outside would bypass Expressway: {records}',
      queryFailed: 'Could not tell whether {name} is hidden on external resolver {resolver}: {reason}.',
    },
  },
  async run(ctx) {
    const resolvers = resolverLabels(ctx.inventory.dns.external);
    const names = ctx.inventory.domains.flatMap((domain) => [
      `${UDS_SERVICE}.${domain}`,
      `${CUPLOGIN_SERVICE}.${domain}`,
    ]);
    return Promise.all(
      names.flatMap((name) =>
        resolvers.map(async (resolver): Promise<CheckFinding<Message>> => {
          const result = await ctx.services.dns.query(resolver, name, 'SRV', ctx.signal);
          const base = {
            target: recordTarget(name, resolver),
            evidence: queryEvidence(result),
            durationMs: result.durationMs,
          };
          if (!isAnswered(result.outcome)) {
            return {
              ...base,
              status: 'inconclusive',
              messageId: 'queryFailed',
              args: { name, resolver, reason: describeFailure(result) },
            };
          }
          if (result.outcome === 'answer') {
            return {
              ...base,
              status: 'fail',
              messageId: 'leaked',
              args: { name, resolver, records: result.answers.map(formatRecord).join('; ') },
            };
          }
          const answer = result.outcome === 'nxdomain' ? 'NXDOMAIN' : 'NODATA';
          return { ...base, status: 'pass', messageId: 'notPublished', args: { name, resolver, answer } };
        }),
      ),
    );
  },
});
