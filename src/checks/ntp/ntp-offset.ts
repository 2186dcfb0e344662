import { blocked, defineRule, type Blocked, type CheckFinding } from '../rule.js';
import { assessServers, exchangeEvidence, NTP_SCOPE, ntpServerGroup, round } from './servers.js';

type Message = 'offsetWithinPolicy' | 'hostOffsetTooLarge' | 'spreadTooLarge';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * MRA-NTP-003: the servers agree on the time, and the scanning host agrees with them. Expressway-C/E
 * and CUCM validate each other's TLS certificates and SIP/HTTP tokens against their own clocks, so
 * nodes that follow servers which disagree drift apart.
 *
 * Spread: over the servers that pass MRA-NTP-001, spread = max(offset) − min(offset). When it is
 * above the limit, the servers that deviate from the median offset by more than half the limit
 * fail (with three or more servers that isolates the outlier; with two, both fail, since neither
 * can be preferred). Whenever the spread is within the limit, no server fails on spread.
 */
export default defineRule({
  meta: {
    id: 'MRA-NTP-003',
    slug: 'ntp-offset',
    area: 'ntp',
    severity: 'warning',
    title: 'Clock offset to each NTP server and spread between servers within policy (maxClockOffsetMs)',
    vantage: 'internal',
    needs: ['ntp'],
    requires: ['MRA-NTP-001'],
    scope: NTP_SCOPE,
    fixGroup: ntpServerGroup,
    messages: {
      offsetWithinPolicy:
        '{server} is {offsetMs} ms from this host and {deviationMs} ms from the median of {servers} server(s); spread {spreadMs} ms (policy: at most {maxOffsetMs} ms).',
      hostOffsetTooLarge:
        "This host's clock is {offsetMs} ms off {server}, more than the policy maximum of {maxOffsetMs} ms.",
      spreadTooLarge:
        'The NTP servers disagree by {spreadMs} ms (policy: at most {maxOffsetMs} ms); {server} is {deviationMs} ms from their median.',
    },
  },
  async run(ctx) {
    const limit = ctx.policy.maxClockOffsetMs;
    const assessments = await assessServers(ctx);
    const offsets = assessments.flatMap(({ reachability }) =>
      reachability.status === 'pass' ? [reachability.reply.offsetMs] : [],
    );
    const medianOffset = offsets.length > 0 ? median(offsets) : 0;
    const spread = offsets.length > 0 ? Math.max(...offsets) - Math.min(...offsets) : 0;
    return assessments.map(({ target, result, reachability }): CheckFinding<Message> | Blocked => {
      if (reachability.status !== 'pass') return blocked(target);
      const { offsetMs, durationMs } = reachability.reply;
      const deviation = offsetMs - medianOffset;
      const hostOff = Math.abs(offsetMs) > limit;
      const spreadOff = spread > limit && Math.abs(deviation) > limit / 2;
      const messageId: Message = hostOff ? 'hostOffsetTooLarge' : spreadOff ? 'spreadTooLarge' : 'offsetWithinPolicy';
      return {
        target,
        status: hostOff || spreadOff ? 'fail' : 'pass',
        messageId,
        args: {
          server: target,
          offsetMs: round(offsetMs, 1),
          deviationMs: round(Math.abs(deviation), 1),
          spreadMs: round(spread, 1),
          servers: offsets.length,
          maxOffsetMs: limit,
        },
        evidence: {
          ...exchangeEvidence(result),
          medianOffsetMs: round(medianOffset),
          deviationFromMedianMs: round(deviation),
          spreadMs: round(spread),
          serversCompared: offsets.length,
          maxClockOffsetMs: limit,
        },
        durationMs,
      };
    });
  },
});
