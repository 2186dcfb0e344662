import { mraEndpoints } from '../../cucm/mra-scope.js';
import type { CucmSnapshot } from '../../cucm/snapshot.js';
import { DEFAULT_TURN_PORT, type TurnSpec } from '../../edge/source.js';
import { formatAddress, parseAddress } from '../../inventory/address.js';
import type { Inventory, TurnTransport } from '../../inventory/types.js';
import type { StunBindingResult, TurnAllocateResult } from '../../probes/stun/client.js';
import { defineRule, notInScope, type CheckFinding, type Status } from '../rule.js';
import { loadedSnapshot } from '../services.js';

type MessageId =
  | 'bindingAnswered'
  | 'allocated'
  | 'refused'
  | 'silent'
  | 'notStun'
  | 'errorResponse'
  | 'credentialsRejected'
  | 'allocateFailed';

/** CUCM's TURN Server Transport Type (ICE, common phone profile) as the transports a client tries. */
const TRANSPORTS_OF: Record<string, TurnTransport[]> = {
  auto: ['udp', 'tcp'],
  udp: ['udp'],
  tcp: ['tcp'],
  tls: ['tls'],
};

/**
 * The TURN servers the ICE settings of MRA endpoints name (primary and secondary, common phone
 * profile or phone), when the inventory gives no edge.turn: Binding only, since a snapshot never
 * holds the TURN password.
 */
function iceTurnServers(snapshot: CucmSnapshot, inventory: Inventory): TurnSpec[] {
  const endpoints = mraEndpoints(snapshot, inventory);
  const profiles = new Set(endpoints.map((phone) => phone.commonPhoneProfile).filter(Boolean));
  const settings = [
    ...snapshot.commonPhoneProfiles.filter((profile) => profiles.has(profile.name)).map((profile) => profile.ice),
    ...endpoints.map((phone) => phone.ice),
  ].filter((ice) => ice?.enabled);
  const servers = new Map<string, TurnSpec>();
  for (const ice of settings) {
    const transports = TRANSPORTS_OF[(ice!.turnTransportType ?? 'Auto').trim().toLowerCase()] ?? ['udp', 'tcp'];
    for (const name of [ice!.primaryTurnServer, ice!.secondaryTurnServer]) {
      if (!name?.trim()) continue;
      const address = parseAddress(name.trim(), DEFAULT_TURN_PORT);
      const server = formatAddress(address);
      servers.set(server, { server, host: address.host, port: address.port, transports });
    }
  }
  return [...servers.values()];
}

/** The finding of one Binding (and, with credentials, one Allocate) on one transport. */
function judge(
  binding: StunBindingResult,
  allocation: TurnAllocateResult | undefined,
): { status: Status; messageId: MessageId } {
  if (!binding.ok) {
    switch (binding.failure) {
      case 'refused':
      case 'closed':
        return { status: 'fail', messageId: 'refused' };
      case 'error-response':
        return { status: 'fail', messageId: 'errorResponse' };
      case 'malformed':
      case 'mismatch':
      case 'integrity':
        return { status: 'inconclusive', messageId: 'notStun' };
      default:
        return { status: 'inconclusive', messageId: 'silent' };
    }
  }
  if (!allocation) return { status: 'pass', messageId: 'bindingAnswered' };
  if (allocation.ok) return { status: 'pass', messageId: 'allocated' };
  if (allocation.failure === 'unauthorized') return { status: 'fail', messageId: 'credentialsRejected' };
  return { status: allocation.failure === 'timeout' ? 'inconclusive' : 'fail', messageId: 'allocateFailed' };
}

/**
 * MRA-EDGE-004: media of MRA calls that cannot go peer to peer is relayed by TURN (Expressway-E's
 * TURN server, ICE in CUCM). Each TURN server must answer an RFC 5389 STUN Binding on each
 * transport remote clients use, with a valid XOR-MAPPED-ADDRESS (magic cookie and transaction id
 * checked); with credentials, an RFC 5766 Allocate (long-term credentials) must succeed and is
 * released at once with a Refresh of lifetime 0.
 */
export default defineRule({
  meta: {
    id: 'MRA-EDGE-004',
    slug: 'turn-reachable',
    area: 'edge',
    severity: 'warning',
    title: 'Each TURN server answers STUN on its transports, and grants an allocation to the configured user',
    vantage: 'external',
    needs: ['turn'],
    scope: 'TURN servers (edge.turn, or the ICE settings of MRA endpoints)',
    messages: {
      bindingAnswered:
        '{server} answers a STUN Binding over {transport} with XOR-MAPPED-ADDRESS {mapped} ({rttMs} ms).',
      allocated:
        '{server} grants a TURN allocation over {transport} to the configured user (relayed address {relayed}); it was {release}.',
      refused: '{server} refuses {transport}: {detail}.',
      silent: '{server} does not answer a STUN Binding over {transport}: {detail}.',
      notStun: '{server} answers over {transport}, but not with a valid STUN answer to our request: {detail}.',
      errorResponse: '{server} answers the STUN Binding over {transport} with error {code}: {detail}.',
      credentialsRejected:
        '{server} rejects the configured TURN user over {transport} (401 after MESSAGE-INTEGRITY): {detail}.',
      allocateFailed: '{server} answers STUN over {transport}, but the TURN Allocate failed ({stage}): {detail}.',
    },
    fixGroup: (finding) => {
      const server = String(finding.args?.server ?? finding.target);
      return { key: `turn:${server}`, label: `TURN server ${server}` };
    },
  },
  async run(ctx) {
    let servers = ctx.services.edge.turnServers();
    if (servers.length === 0) servers = iceTurnServers((await loadedSnapshot(ctx.services)).snapshot, ctx.inventory);
    if (servers.length === 0) return notInScope('no TURN server in edge.turn nor in the ICE settings of MRA endpoints');
    const findings: CheckFinding<MessageId>[] = [];
    for (const server of servers) {
      for (const transport of server.transports) {
        const binding = await ctx.services.edge.binding(server, transport, ctx.signal);
        const allocation =
          binding.ok && server.credentials
            ? await ctx.services.edge.allocate(server, transport, ctx.signal)
            : undefined;
        const verdict = judge(binding, allocation);
        const problem = !binding.ok ? binding : allocation && !allocation.ok ? allocation : undefined;
        const args = {
          server: server.server,
          transport: transport.toUpperCase(),
          mapped: binding.ok ? `${binding.mapped.address}:${binding.mapped.port}` : '',
          rttMs: binding.ok ? binding.rttMs : 0,
          relayed: allocation?.ok ? `${allocation.relayed.address}:${allocation.relayed.port}` : '',
          release: allocation?.ok
            ? allocation.release.ok
              ? 'released'
              : `not released: ${allocation.release.detail}`
            : '',
          detail: problem?.detail ?? '',
          code: problem?.errorCode ?? 0,
          stage: allocation && !allocation.ok ? allocation.stage : '',
        };
        findings.push({
          target: `${server.server} ${transport}`,
          ...verdict,
          args,
          evidence: {
            binding,
            ...(allocation ? { allocation } : {}),
            credentials: server.credentials ? 'configured' : 'none',
          },
          durationMs: binding.durationMs + (allocation?.durationMs ?? 0),
        });
      }
    }
    return findings;
  },
});
