import { defineRule, type CheckFinding } from '../rule.js';
import {
  assessServers,
  exchangeEvidence,
  NTP_SCOPE,
  ntpServerGroup,
  round,
  type ReachabilityMessage,
} from './servers.js';

/**
 * MRA-NTP-001: every NTP server of the deployment answers as a usable time source. MRA needs an
 * NTP server for the deployment (seed: prerequisites); CUCM, IM&P and the Expressways reject a
 * source that is unsynchronised (leap 3 / stratum 16) or refuses them (kiss-of-death).
 */
export default defineRule({
  meta: {
    id: 'MRA-NTP-001',
    slug: 'ntp-reachable',
    area: 'ntp',
    severity: 'error',
    title: 'Every NTP server answers SNTP as a synchronised time source',
    vantage: 'internal',
    needs: ['ntp'],
    scope: NTP_SCOPE,
    fixGroup: ntpServerGroup,
    messages: {
      reachable:
        '{server} answers SNTP: stratum {stratum}, reference {referenceId}, offset {offsetMs} ms, round trip {delayMs} ms.',
      kissOfDeath: '{server} answered with a kiss-of-death ({code}: {meaning}); it gives this client no time.',
      unsynchronised:
        '{server} answers but is not synchronised (leap indicator 3, stratum {stratum}); clients will not use its time.',
      stratumOutOfRange: '{server} reports stratum {stratum}, outside 1–15: it is not synchronised to any reference.',
      noAnswer: '{server} did not answer {attempts} SNTP requests within {waitedMs} ms.',
      refused:
        '{server} answered the SNTP request with ICMP port unreachable: nothing reachable from this host serves NTP on UDP port {port} (a firewall on the path can send this too).',
      rejectedReply: '{server} sent only replies that were rejected as {kind}: {detail}.',
      unresolved: '{server} could not be queried: {detail}.',
      probeFailed: '{server} could not be queried: {detail}.',
    },
  },
  async run(ctx) {
    const assessments = await assessServers(ctx);
    return assessments.map(({ target, result, reachability }): CheckFinding<ReachabilityMessage | 'reachable'> => {
      const evidence = exchangeEvidence(result);
      const durationMs = result.ok ? result.reply.durationMs : result.failure.waitedMs;
      if (reachability.status !== 'pass') {
        return {
          target,
          status: reachability.status,
          messageId: reachability.messageId,
          args: reachability.args,
          evidence,
          durationMs,
        };
      }
      const { reply } = reachability;
      return {
        target,
        status: 'pass',
        messageId: 'reachable',
        args: {
          server: target,
          stratum: reply.stratum,
          referenceId: reply.referenceId,
          offsetMs: round(reply.offsetMs, 1),
          delayMs: round(reply.delayMs, 1),
        },
        evidence,
        durationMs,
      };
    });
  },
});
