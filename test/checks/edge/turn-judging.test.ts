import { describe, expect, it } from 'vitest';
import type { EdgeSource, TurnSpec } from '../../../src/edge/source.js';
import type { StunBindingResult, TurnAllocateResult } from '../../../src/probes/stun/client.js';
import { testCheck } from '../../helpers/check.js';
import { cucmInventory, fakeCucm, readFixture } from '../cucm/cucm-fixtures.js';

/**
 * MRA-EDGE-004's verdict for every kind of STUN and TURN outcome the probe returns, and where the
 * TURN servers come from without edge.turn (the ICE settings of MRA endpoints). The probe itself
 * is tested against coturn and hostile peers (test/probes/stun*.test.ts); here only the judging.
 */
const RULE = 'MRA-EDGE-004';
const SERVER: TurnSpec = { server: 'turn.example.com:3478', host: 'turn.example.com', port: 3478, transports: ['udp'] };
const MAPPED = { family: 'IPv4' as const, address: '198.51.100.7', port: 40000 };

const bound = (fields: Partial<StunBindingResult> = {}): StunBindingResult =>
  ({
    ok: true,
    server: SERVER.server,
    transport: 'udp',
    durationMs: 7,
    mapped: MAPPED,
    rttMs: 6,
    retransmits: 0,
    ignored: { malformed: 0, mismatched: 0 },
    ...fields,
  }) as StunBindingResult;
const failed = (failure: string, detail = 'what happened', errorCode?: number): StunBindingResult =>
  ({
    ok: false,
    server: SERVER.server,
    transport: 'udp',
    durationMs: 9,
    failure,
    detail,
    ...(errorCode ? { errorCode } : {}),
  }) as StunBindingResult;

interface Fake {
  servers?: TurnSpec[];
  binding?: StunBindingResult;
  allocation?: TurnAllocateResult;
}

function fakeEdge({ servers = [SERVER], binding = bound(), allocation }: Fake): {
  edge: EdgeSource;
  allocated: string[];
} {
  const allocated: string[] = [];
  const unused = (): never => {
    throw new Error('not part of MRA-EDGE-004');
  };
  return {
    allocated,
    edge: {
      discover: unused,
      connect: unused,
      chain: unused,
      clientAnchors: unused,
      edgeConfig: unused,
      turnServers: () => servers,
      binding: async (server, transport) => ({ ...binding, server: server.server, transport }),
      allocate: async (server, transport) => {
        allocated.push(`${server.server} ${transport}`);
        return allocation!;
      },
    },
  };
}

async function judge(fake: Fake, inventory: Record<string, unknown> = { domains: ['example.com'] }) {
  const { edge, allocated } = fakeEdge(fake);
  const findings = await testCheck(RULE, {
    inventory: { ...inventory, edge: { turn: [{ server: 'turn.example.com' }] } },
    services: { edge },
    vantage: 'external',
  });
  return { findings, allocated };
}

describe('MRA-EDGE-004 judging', () => {
  it.each([
    ['refused', 'fail', 'refused'],
    ['closed', 'fail', 'refused'],
    ['error-response', 'fail', 'errorResponse'],
    ['malformed', 'inconclusive', 'notStun'],
    ['mismatch', 'inconclusive', 'notStun'],
    ['integrity', 'inconclusive', 'notStun'],
    ['timeout', 'inconclusive', 'silent'],
    ['unresolved', 'inconclusive', 'silent'],
  ])('a Binding that ends %s is %s (%s)', async (failure, status, messageId) => {
    const { findings, allocated } = await judge({
      servers: [{ ...SERVER, credentials: { usernameEnv: 'U', passwordEnv: 'P' } }],
      binding: failed(failure, 'the detail', failure === 'error-response' ? 420 : undefined),
    });
    expect(findings).toMatchObject([{ target: 'turn.example.com:3478 udp', status, messageId }]);
    expect(findings[0]!.message).toContain('the detail');
    // No Allocate after a failed Binding, even with credentials.
    expect(allocated).toEqual([]);
    expect(findings[0]!.durationMs).toBe(9);
  });

  it('names the error code of an error response, and groups the failure by server', async () => {
    const { findings } = await judge({ binding: failed('error-response', 'Unknown Attribute', 420) });
    expect(findings[0]!.message).toBe(
      'turn.example.com:3478 answers the STUN Binding over UDP with error 420: Unknown Attribute.',
    );
    expect(findings[0]!.group).toEqual({
      key: 'turn:turn.example.com:3478',
      label: 'TURN server turn.example.com:3478',
    });
  });

  it('passes a Binding with its mapped address and round trip, without credentials no Allocate', async () => {
    const { findings, allocated } = await judge({});
    expect(findings).toMatchObject([
      { status: 'pass', messageId: 'bindingAnswered', evidence: { credentials: 'none' } },
    ]);
    expect(findings[0]!.message).toBe(
      'turn.example.com:3478 answers a STUN Binding over UDP with XOR-MAPPED-ADDRESS 198.51.100.7:40000 (6 ms).',
    );
    expect(findings[0]!.evidence).not.toHaveProperty('allocation');
    expect(allocated).toEqual([]);
  });

  const withUser = { servers: [{ ...SERVER, credentials: { usernameEnv: 'U', passwordEnv: 'P' } }] };
  const allocation = (fields: Record<string, unknown>): TurnAllocateResult =>
    ({ server: SERVER.server, transport: 'udp', durationMs: 20, ...fields }) as TurnAllocateResult;

  it('passes an allocation and says whether it was released', async () => {
    const relayed = { family: 'IPv4', address: '203.0.113.30', port: 50000 };
    const released = await judge({
      ...withUser,
      allocation: allocation({ ok: true, realm: 'example.com', relayed, release: { ok: true }, staleNonceRetries: 0 }),
    });
    expect(released.findings).toMatchObject([
      { status: 'pass', messageId: 'allocated', evidence: { credentials: 'configured', allocation: { ok: true } } },
    ]);
    expect(released.findings[0]!.message).toBe(
      'turn.example.com:3478 grants a TURN allocation over UDP to the configured user (relayed address 203.0.113.30:50000); it was released.',
    );
    expect(released.findings[0]!.durationMs).toBe(27);
    expect(released.allocated).toEqual(['turn.example.com:3478 udp']);
    const kept = await judge({
      ...withUser,
      allocation: allocation({
        ok: true,
        realm: 'example.com',
        relayed,
        release: { ok: false, failure: 'timeout', detail: 'no answer to the Refresh' },
        staleNonceRetries: 0,
      }),
    });
    expect(kept.findings[0]!.message).toContain('it was not released: no answer to the Refresh.');
  });

  it.each([
    ['unauthorized', 'challenge', 'fail', 'credentialsRejected'],
    ['timeout', 'allocate', 'inconclusive', 'allocateFailed'],
    ['error-response', 'allocate', 'fail', 'allocateFailed'],
  ])('an Allocate that ends %s is %s (%s)', async (failure, stage, status, messageId) => {
    const { findings } = await judge({
      ...withUser,
      allocation: allocation({ ok: false, stage, failure, detail: 'allocation detail', errorCode: 486 }),
    });
    expect(findings).toMatchObject([{ status, messageId }]);
    expect(findings[0]!.message).toContain('allocation detail');
    if (messageId === 'allocateFailed') expect(findings[0]!.message).toContain(`(${stage})`);
  });

  it('tests every transport of every server', async () => {
    const { findings } = await judge({
      servers: [
        { ...SERVER, transports: ['udp', 'tcp'] },
        { server: '[2001:db8::30]:5349', host: '2001:db8::30', port: 5349, transports: ['tls'] },
      ],
    });
    expect(findings.map((finding) => finding.target)).toEqual([
      'turn.example.com:3478 udp',
      'turn.example.com:3478 tcp',
      '[2001:db8::30]:5349 tls',
    ]);
    expect(findings[2]!.message).toContain('over TLS');
  });
});

describe('MRA-EDGE-004 TURN servers from the ICE settings of MRA endpoints', () => {
  async function fromIce(edit: (snapshot: ReturnType<typeof readFixture>) => void) {
    const snapshot = readFixture('compliant');
    edit(snapshot);
    const { edge } = fakeEdge({ servers: [] });
    return testCheck(RULE, {
      inventory: cucmInventory('compliant'),
      services: { edge, ...fakeCucm(snapshot) },
      vantage: 'external',
    });
  }

  it('tests the primary and secondary TURN server on the transports the ICE transport type means', async () => {
    const findings = await fromIce(() => {});
    // The compliant MRA profile: turn.example.com and turn2.example.com, transport Auto (UDP and TCP).
    expect(findings.map((finding) => finding.target)).toEqual([
      'turn.example.com:3478 udp',
      'turn.example.com:3478 tcp',
      'turn2.example.com:3478 udp',
      'turn2.example.com:3478 tcp',
    ]);
    expect(findings.every((finding) => finding.evidence.credentials === 'none')).toBe(true);
  });

  it.each([
    ['TLS', ['tls']],
    [' udp ', ['udp']],
    ['TCP', ['tcp']],
    ['SCTP', ['udp', 'tcp']],
  ])('maps transport type %j', async (type, transports) => {
    const findings = await fromIce((snapshot) => {
      const ice = snapshot.commonPhoneProfiles.find((profile) => profile.ice)!.ice!;
      ice.turnTransportType = type;
      ice.secondaryTurnServer = ' ';
      ice.primaryTurnServer = 'turn.example.com:443';
    });
    expect(findings.map((finding) => finding.target)).toEqual(transports.map((t) => `turn.example.com:443 ${t}`));
  });

  it('ignores ICE that is disabled or on profiles no MRA endpoint uses; nothing in scope then', async () => {
    const findings = await fromIce((snapshot) => {
      for (const profile of snapshot.commonPhoneProfiles) if (profile.ice) profile.ice.enabled = false;
      snapshot.commonPhoneProfiles.push({
        name: 'Unused',
        ice: { enabled: true, primaryTurnServer: 'other.example.com' },
      });
    });
    expect(findings).toMatchObject([{ status: 'skipped', messageId: 'nothingInScope' }]);
    expect(findings[0]!.message).toContain('no TURN server in edge.turn nor in the ICE settings of MRA endpoints');
  });

  it('takes phone-level ICE of MRA endpoints, a server named twice once', async () => {
    const findings = await fromIce((snapshot) => {
      snapshot.commonPhoneProfiles = snapshot.commonPhoneProfiles.map(({ name }) => ({ name }));
      const ice = { enabled: true, primaryTurnServer: 'turn3.example.com', turnTransportType: 'udp' };
      snapshot.phones = snapshot.phones.map((phone) => (phone.devicePool === 'MRA_DP' ? { ...phone, ice } : phone));
    });
    expect(findings.map((finding) => finding.target)).toEqual(['turn3.example.com:3478 udp']);
  });
});
