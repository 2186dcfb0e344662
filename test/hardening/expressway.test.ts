import { describe, expect, it } from 'vitest';
import { hostileHttpPeers } from '../helpers/hostile/http-peers.js';
import { HOSTILE_HTTP_BEHAVIOURS, type HostileHttp } from '../helpers/hostile/http.js';
import { expectNoEngineFallbacks, expectTypedInconclusive, findingsFor, hostileScan, withPeakRss } from './scan.js';

/**
 * SPEC section 7: a status.xml server that drips, floods, stalls or sends something that is not
 * the document yields `inconclusive` for that Expressway (from the probe, within the timeout),
 * with the body capped so memory stays bounded; the other Expressway is still judged.
 */
const BEHAVIOURS = HOSTILE_HTTP_BEHAVIOURS;

/** The typed failure each hostile server must come back as. */
const STATUS_MESSAGE: Record<(typeof BEHAVIOURS)[number], string> = {
  'drip-body': 'statusTimeout',
  'drip-headers': 'statusTimeout',
  stall: 'statusTimeout',
  'huge-chunked': 'statusTooLarge',
  'huge-declared': 'statusTooLarge',
  'invalid-xml': 'statusMalformed',
  // Entities are never expanded: the version element holds "&lol9;", which is no release.
  'billion-laughs': 'versionUnparseable',
  'wrong-content-type': 'statusMalformed',
  empty: 'statusMalformed',
  'redirect-loop': 'statusHttpError',
  reset: 'statusUnreachable',
  'huge-headers': 'statusUnreachable',
  // Never inflated: the compressed bytes are not XML.
  'gzip-bomb': 'statusMalformed',
  'deep-xml': 'statusMalformed',
  'unavailable-forever': 'statusHttpError',
};

const ENV = { HARDENING_EXP_USER: 'admin', HARDENING_EXP_PASS: 'Expressway-Hostile-Pa55' };
const peers = hostileHttpPeers('Status');

function inventoryFor(peer: HostileHttp): Record<string, unknown> {
  return {
    domains: ['example.com'],
    nodes: [
      {
        fqdn: 'expc.example.com',
        role: 'expressway-c',
        status: {
          url: `${peer.url}/status.xml`,
          usernameEnv: 'HARDENING_EXP_USER',
          passwordEnv: 'HARDENING_EXP_PASS',
          caFile: peer.caFile,
        },
      },
      { fqdn: 'expe.example.com', role: 'expressway-e', version: 'X14.3.1' },
    ],
  };
}

describe('MRA-EXP-001 against hostile status.xml servers', () => {
  it.each(BEHAVIOURS)(
    '%s: inconclusive for that Expressway, bounded memory, the other still judged',
    async (behaviour) => {
      const peer = peers.get(behaviour)!;
      const { result: report, peakGrowthMb } = await withPeakRss(() =>
        hostileScan(inventoryFor(peer), { only: ['exp'], timeoutMs: 2000, env: ENV }),
      );
      const finding = expectTypedInconclusive(report, 'MRA-EXP-001', 'expc.example.com', STATUS_MESSAGE[behaviour]);
      expect(peer.connections).toBeGreaterThan(0);
      expect(JSON.stringify(finding.evidence)).not.toContain(ENV.HARDENING_EXP_PASS);
      expect(findingsFor(report, 'MRA-EXP-001', 'expe.example.com').map((f) => f.status)).toEqual(['pass']);
      expectNoEngineFallbacks(report);
      // The 200 MB bodies must be cut off at the size cap, not buffered.
      expect(peakGrowthMb).toBeLessThan(150);
    },
  );
});
