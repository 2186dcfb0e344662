import { describe, expect, it } from 'vitest';
import { hostileHttpPeers } from '../helpers/hostile/http-peers.js';
import { HOSTILE_HTTP_BEHAVIOURS, type HostileHttp, type HostileHttpBehaviour } from '../helpers/hostile/http.js';
import { expectNoEngineFallbacks, expectTypedInconclusive, findingsFor, hostileScan, withPeakRss } from './scan.js';

/**
 * SPEC section 7 for live AXL: a CUCM publisher whose AXL endpoint drips, stalls, floods 200 MB,
 * or answers with broken XML, an entity bomb, an HTML page or a redirect loop leaves every CUCM
 * rule `inconclusive` (snapshot unavailable, from the client's typed error), with the response
 * capped so memory stays bounded, and the rest of the scan still reports.
 */
const BEHAVIOURS = HOSTILE_HTTP_BEHAVIOURS;

/**
 * A persistent HTTP 503 is an answer, not a hostile stall: Cisco Tomcat answers 503 for /axl/ when
 * the Cisco AXL Web Service is not activated, and MRA-CUCM-001 reports exactly that as a fail.
 */
const VERDICTS: Partial<Record<HostileHttpBehaviour, Record<string, 'fail'>>> = {
  'unavailable-forever': { 'MRA-CUCM-001': 'fail' },
};

const ENV = { HARDENING_AXL_USER: 'axladmin', HARDENING_AXL_PASS: 'Axl-Hostile-Pa55-77' };
const peers = hostileHttpPeers('soap');

function inventoryFor(peer: HostileHttp): Record<string, unknown> {
  return {
    domains: ['example.com'],
    nodes: [
      { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' },
      { fqdn: 'expe.example.com', role: 'expressway-e', version: 'X14.3.1' },
    ],
    cucm: {
      axl: {
        url: `${peer.url}/axl/`,
        version: '15.0',
        usernameEnv: 'HARDENING_AXL_USER',
        passwordEnv: 'HARDENING_AXL_PASS',
        caFile: peer.caFile,
      },
      mraDevicePools: ['MRA_DP'],
    },
    // Two clusters, so that MRA-CUCM-012 (ILS) needs the snapshot too.
    clusters: 2,
  };
}

describe('CUCM rules against a hostile AXL endpoint', () => {
  it.each(BEHAVIOURS)(
    '%s: CUCM rules are inconclusive, memory bounded, the Expressway rule still judged',
    async (behaviour) => {
      const peer = peers.get(behaviour)!;
      const { result: report, peakGrowthMb } = await withPeakRss(() =>
        hostileScan(inventoryFor(peer), { only: ['cucm', 'exp'], timeoutMs: 2000, env: ENV }),
      );
      expect(peer.connections).toBeGreaterThan(0);
      const cucmRules = [
        ...new Set(report.findings.filter((finding) => finding.area === 'cucm').map((finding) => finding.ruleId)),
      ];
      expect(cucmRules.length).toBeGreaterThan(0);
      for (const ruleId of cucmRules) {
        const findings = report.findings.filter((finding) => finding.ruleId === ruleId);
        // Each rule reports the unavailable source once (MRA-CUCM-001 may name the AXL URL as target).
        expect(findings.length, ruleId).toBe(1);
        const verdict = VERDICTS[behaviour]?.[ruleId];
        if (verdict) expect(findings[0]!.status, ruleId).toBe(verdict);
        // The source failed: the engine says the CUCM configuration could not be read, once per rule.
        else expectTypedInconclusive(report, ruleId, findings[0]!.target, ['needUnavailable', 'unreachable']);
      }
      expect(findingsFor(report, 'MRA-EXP-001', 'expe.example.com').map((f) => f.status)).toEqual(['pass']);
      expect(JSON.stringify(report)).not.toContain(ENV.HARDENING_AXL_PASS);
      expectNoEngineFallbacks(report);
      expect(peakGrowthMb).toBeLessThan(150);
    },
  );
});
