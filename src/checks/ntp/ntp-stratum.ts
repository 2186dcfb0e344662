import { blocked, defineRule, type Blocked, type CheckFinding } from '../rule.js';
import { assessServers, exchangeEvidence, NTP_SCOPE, ntpServerGroup } from './servers.js';

type Message = 'stratumWithinPolicy' | 'stratumTooHigh';

/**
 * MRA-NTP-002: each server is close enough to a reference clock. Every hop adds error; CUCM nodes
 * sit one stratum below their source and phones one more, so a distant source leaves the cluster
 * at a stratum where drift between nodes and Expressways starts to show.
 */
export default defineRule({
  meta: {
    id: 'MRA-NTP-002',
    slug: 'ntp-stratum',
    area: 'ntp',
    severity: 'warning',
    title: 'NTP server stratum within policy (maxNtpStratum)',
    vantage: 'internal',
    needs: ['ntp'],
    requires: ['MRA-NTP-001'],
    scope: NTP_SCOPE,
    fixGroup: ntpServerGroup,
    messages: {
      stratumWithinPolicy: '{server} is at stratum {stratum} (policy: at most {maxStratum}).',
      stratumTooHigh: '{server} is at stratum {stratum}, above the policy maximum of {maxStratum}.',
    },
  },
  async run(ctx) {
    const maxStratum = ctx.policy.maxNtpStratum;
    const assessments = await assessServers(ctx);
    return assessments.map(({ target, result, reachability }): CheckFinding<Message> | Blocked => {
      if (reachability.status !== 'pass') return blocked(target);
      const { stratum } = reachability.reply;
      return {
        target,
        status: stratum <= maxStratum ? 'pass' : 'fail',
        messageId: stratum <= maxStratum ? 'stratumWithinPolicy' : 'stratumTooHigh',
        args: { server: target, stratum, maxStratum },
        evidence: { ...exchangeEvidence(result), maxNtpStratum: maxStratum },
        durationMs: reachability.reply.durationMs,
      };
    });
  },
});
