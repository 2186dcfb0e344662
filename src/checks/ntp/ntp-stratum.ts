import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { assessServers, exchangeEvidence, prerequisiteSkip, PREREQUISITE_MESSAGE } from './servers.js';

type Message = 'stratumWithinPolicy' | 'stratumTooHigh' | 'prerequisiteFailed';

/**
 * MRA-NTP-002: each server is close enough to a reference clock. Every hop adds error; CUCM nodes
 * sit one stratum below their source and phones one more, so a distant source leaves the cluster
 * at a stratum where drift between nodes and Expressways starts to show.
 */
export default defineCheck<Message>({
  id: 'MRA-NTP-002',
  needs: ['ntp'],
  messages: {
    stratumWithinPolicy: '{server} is at stratum {stratum} (policy: at most {maxStratum}).',
    stratumTooHigh: '{server} is at stratum {stratum}, above the policy maximum of {maxStratum}.',
    prerequisiteFailed: PREREQUISITE_MESSAGE,
  },
  async run(ctx) {
    const maxStratum = ctx.policy.maxNtpStratum;
    const assessments = await assessServers(ctx);
    return assessments.map(({ target, result, reachability }): CheckFinding<Message> => {
      if (reachability.status !== 'pass') return prerequisiteSkip(target, reachability.reason);
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
