import type { IceSettings } from '../../cucm/snapshot.js';
import { defineRule, isNotInScope, notInScope, type CheckFinding } from '../rule.js';
import { MRA_ENDPOINTS_SCOPE, mraEndpointScope, phoneTarget } from './snapshot-access.js';

const messages = {
  iceComplete:
    'ICE on {where} has a primary TURN server ({turn}), transport {transport}, TURN credentials, and a consistent default candidate.',
  iceIncomplete: 'ICE is enabled on {where} but {shortfalls}.',
};

const TRANSPORTS = ['auto', 'udp', 'tcp', 'tls'];

/** Seed: "ICE 구성" steps 4-8, judged where ICE is enabled (common phone profile or phone). */
function shortfalls(ice: IceSettings): string[] {
  const reasons: string[] = [];
  if (!ice.primaryTurnServer?.trim()) reasons.push('no primary TURN server is set');
  if (ice.defaultCandidateType?.trim().toLowerCase() === 'server reflexive' && ice.serverReflexiveAddress !== true) {
    reasons.push('the default candidate type is Server Reflexive while Server Reflexive Address is disabled');
  }
  if (ice.turnTransportType !== undefined && !TRANSPORTS.includes(ice.turnTransportType.trim().toLowerCase())) {
    reasons.push(`TURN server transport type ${JSON.stringify(ice.turnTransportType)} is not Auto, UDP, TCP or TLS`);
  }
  if (!ice.turnUsername?.trim()) reasons.push('no TURN username is set');
  if (ice.turnPasswordSet !== true) reasons.push('no TURN password is set');
  return reasons;
}

/** The ICE fields a person re-checks; the TURN password is only ever "set" or "not set". */
function iceEvidence(ice: IceSettings): Record<string, unknown> {
  return {
    enabled: ice.enabled,
    defaultCandidateType: ice.defaultCandidateType ?? null,
    serverReflexiveAddress: ice.serverReflexiveAddress ?? null,
    primaryTurnServer: ice.primaryTurnServer ?? null,
    secondaryTurnServer: ice.secondaryTurnServer ?? null,
    turnTransportType: ice.turnTransportType ?? 'Auto (default)',
    turnUsername: ice.turnUsername ?? null,
    turnPasswordSet: ice.turnPasswordSet ?? false,
  };
}

export default defineRule({
  meta: {
    id: 'MRA-CUCM-009',
    slug: 'ice-config',
    area: 'cucm',
    severity: 'error',
    title: 'Where ICE is enabled for MRA endpoints, TURN and server reflexive settings are complete',
    vantage: 'internal',
    needs: ['cucm.phones', 'cucm.commonPhoneProfiles'],
    scope: MRA_ENDPOINTS_SCOPE,
    fixGroup: (finding) => ({ key: `ice:${finding.target}`, label: `ICE settings of ${finding.target}` }),
    messages,
  },
  async run(ctx) {
    const scope = await mraEndpointScope(ctx);
    if (isNotInScope(scope)) return scope;
    const usage = new Map<string, number>();
    for (const phone of scope.endpoints)
      if (phone.commonPhoneProfile) usage.set(phone.commonPhoneProfile, (usage.get(phone.commonPhoneProfile) ?? 0) + 1);
    const places: Array<{ target: string; where: string; ice: IceSettings; usedBy?: number }> = [];
    for (const profile of scope.snapshot.commonPhoneProfiles) {
      const usedBy = usage.get(profile.name);
      if (usedBy && profile.ice?.enabled)
        places.push({
          target: `common phone profile ${profile.name}`,
          where: `common phone profile ${profile.name}`,
          ice: profile.ice,
          usedBy,
        });
    }
    for (const phone of scope.endpoints) {
      if (phone.ice?.enabled)
        places.push({ target: phoneTarget(phone.name), where: `phone ${phone.name}`, ice: phone.ice });
    }
    if (places.length === 0) {
      return notInScope(
        'ICE is not enabled on any common phone profile or phone of the MRA endpoints (ICE is optional)',
      );
    }
    places.sort((a, b) => a.target.localeCompare(b.target));
    return places.map(({ target, where, ice, usedBy }): CheckFinding<keyof typeof messages> => {
      const reasons = shortfalls(ice);
      const evidence = {
        ice: iceEvidence(ice),
        ...(usedBy !== undefined ? { mraEndpointsUsingProfile: usedBy } : {}),
        ...(reasons.length > 0 ? { shortfalls: reasons } : {}),
      };
      return reasons.length > 0
        ? {
            target,
            status: 'fail',
            messageId: 'iceIncomplete',
            args: { where, shortfalls: reasons.join('; ') },
            evidence,
          }
        : {
            target,
            status: 'pass',
            messageId: 'iceComplete',
            args: { where, turn: ice.primaryTurnServer ?? '', transport: ice.turnTransportType ?? 'Auto' },
            evidence,
          };
    });
  },
});
