import type { CheckContext, Evidence, FixGroup, MessageArgs, Status, CheckFinding } from '../rule.js';
import { ntpTarget, type NtpFailure, type NtpReply, type NtpResult } from '../../probes/ntp.js';

/**
 * What MRA-NTP-001 concludes about one server. MRA-NTP-002/003 judge only servers that pass it
 * (they declare it in `requires`; the engine names it for the others: SPEC 4, a failure is
 * reported once).
 */
export type Reachability =
  | { status: 'pass'; reply: NtpReply & { offsetMs: number; delayMs: number } }
  | { status: Exclude<Status, 'pass' | 'skipped'>; messageId: ReachabilityMessage; args: MessageArgs };

export type ReachabilityMessage =
  | 'kissOfDeath'
  | 'unsynchronised'
  | 'stratumOutOfRange'
  | 'noAnswer'
  | 'refused'
  | 'rejectedReply'
  | 'unresolved'
  | 'probeFailed';

export interface ServerAssessment {
  target: string;
  result: NtpResult;
  reachability: Reachability;
}

/** RFC 5905 section 7.4 kiss codes, as an engineer reads them. */
const KISS_CODES: Record<string, string> = {
  ACST: 'the association belongs to an anycast server',
  AUTH: 'server authentication failed',
  AUTO: 'autokey sequence failed',
  BCST: 'the association belongs to a broadcast server',
  CRYP: 'cryptographic authentication or identification failed',
  DENY: 'access denied by remote server',
  DROP: 'lost peer in symmetric mode',
  RSTR: 'access denied due to local policy',
  INIT: 'the association has not yet synchronised for the first time',
  MCST: 'the association belongs to a dynamically discovered server',
  NKEY: 'no key found',
  NTSN: 'NTS negative acknowledgement',
  RATE: 'rate exceeded: the server asks this client to slow down',
  RMOT: 'alteration of association from a remote host running ntpdc',
  STEP: 'a step change in system time has occurred',
};

export function kissMeaning(code: string): string {
  return KISS_CODES[code] ?? 'unassigned kiss code';
}

/** Inventory servers, one per distinct target (a server listed twice is examined once). */
export function serverTargets(servers: readonly string[]): Array<{ server: string; target: string }> {
  const seen = new Map<string, string>();
  for (const server of servers) {
    const target = ntpTarget(server);
    if (!seen.has(target)) seen.set(target, server);
  }
  return [...seen].map(([target, server]) => ({ server, target }));
}

/** Queries every server of the inventory (cached per run by the probe) and judges reachability. */
export async function assessServers(ctx: CheckContext): Promise<ServerAssessment[]> {
  return Promise.all(
    serverTargets(ctx.inventory.ntp.servers).map(async ({ server, target }) => {
      const result = await ctx.services.ntp.query(server, ctx.signal);
      return { target, result, reachability: judgeReachability(result) };
    }),
  );
}

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

/**
 * RFC 5905 7.4: a kiss-o'-death is stratum 0 with a four-character ASCII kiss code in the
 * reference id. Stratum 0 alone only means "unspecified or invalid" (7.3): a chronyd with no
 * source answers stratum 0, leap 3 and reference id 0, which is no kiss. ntpd sends its kisses
 * with leap 3 as well, so the code, not the leap indicator, tells the two apart.
 */
export function isKissCode(code: string | undefined): code is string {
  return code !== undefined && /^[\x20-\x7e]{1,4}$/.test(code);
}

export function judgeReachability(result: NtpResult): Reachability {
  if (!result.ok) return judgeFailure(result.failure);
  const reply = result.reply;
  const server = reply.server;
  const code = reply.kissCode ?? reply.referenceId;
  if (reply.stratum === 0 && isKissCode(code)) {
    return {
      status: 'fail',
      messageId: 'kissOfDeath',
      args: { server, code, meaning: kissMeaning(code) },
    };
  }
  if (reply.leap === 3) {
    return {
      status: 'fail',
      messageId: 'unsynchronised',
      args: { server, stratum: reply.stratum },
    };
  }
  if (reply.stratum === 0 || reply.stratum > 15) {
    return {
      status: 'fail',
      messageId: 'stratumOutOfRange',
      args: { server, stratum: reply.stratum },
    };
  }
  if (reply.offsetMs === undefined || reply.delayMs === undefined) {
    // validateReply guarantees both timestamps for stratum 1–15; kept as a typed guard.
    return {
      status: 'inconclusive',
      messageId: 'probeFailed',
      args: { server, detail: 'reply without timestamps' },
    };
  }
  return { status: 'pass', reply: { ...reply, offsetMs: reply.offsetMs, delayMs: reply.delayMs } };
}

function judgeFailure(failure: NtpFailure): Reachability {
  const server = failure.server;
  switch (failure.kind) {
    case 'timeout':
      return {
        status: 'inconclusive',
        messageId: 'noAnswer',
        args: { server, attempts: failure.attempts, waitedMs: failure.waitedMs },
      };
    case 'refused':
      // ICMP port unreachable may come from a firewall between this host and the server, not
      // from the server: we could not see whether it serves NTP to CUCM (SPEC: refused is inconclusive).
      return {
        status: 'inconclusive',
        messageId: 'refused',
        args: { server, port: failure.port ?? 123 },
      };
    case 'malformed':
    case 'spoofed':
      return {
        status: 'inconclusive',
        messageId: 'rejectedReply',
        args: { server, kind: failure.kind === 'spoofed' ? 'possibly spoofed' : 'malformed', detail: failure.detail },
      };
    case 'unresolved':
      return {
        status: 'inconclusive',
        messageId: 'unresolved',
        args: { server, detail: failure.detail },
      };
    case 'invalid-address':
    case 'network':
    case 'aborted':
      return {
        status: 'inconclusive',
        messageId: 'probeFailed',
        args: { server, detail: failure.detail },
      };
  }
}

/** The facts of one exchange, for any NTP finding; recheck with `sntp`, `ntpdate -q` or `chronyd -Q`. */
export function exchangeEvidence(result: NtpResult): Evidence {
  if (!result.ok) {
    const { kind, server, address, port, detail, attempts, waitedMs, timeoutMs } = result.failure;
    return {
      server,
      ...(address ? { address } : {}),
      ...(port ? { port } : {}),
      failure: kind,
      detail,
      requests: attempts,
      waitedMs,
      timeoutMs,
    };
  }
  const r = result.reply;
  const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    server: r.server,
    address: r.address,
    port: r.port,
    stratum: r.stratum,
    leapIndicator: r.leap,
    version: r.version,
    mode: r.mode,
    referenceId: r.referenceId,
    ...(r.stratum === 0 && isKissCode(r.kissCode) ? { kissCode: r.kissCode } : {}),
    pollLog2: r.poll,
    precisionLog2: r.precision,
    rootDelayMs: round(r.rootDelayMs),
    rootDispersionMs: round(r.rootDispersionMs),
    ...(r.offsetMs !== undefined ? { offsetMs: round(r.offsetMs) } : {}),
    ...(r.delayMs !== undefined ? { delayMs: round(r.delayMs) } : {}),
    // A kiss-of-death's timestamps are whatever the server echoed, not times.
    ...(r.stratum !== 0
      ? {
          referenceTime: iso(r.referenceTimeMs),
          receiveTime: iso(r.receiveTimeMs),
          transmitTime: iso(r.transmitTimeMs),
        }
      : {}),
    requests: r.attempts,
    replyBytes: r.length,
  };
}

export { round };

export const NTP_SCOPE = 'NTP servers in the inventory (ntp.servers)';

/** An NTP server is fixed (or replaced) once, whichever NTP rules it fails. */
export const ntpServerGroup = (finding: CheckFinding): FixGroup => ({
  key: `ntp-server:${finding.target}`,
  label: `NTP server ${finding.target}`,
});
