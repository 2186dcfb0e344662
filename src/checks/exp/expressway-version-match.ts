import { blocked, defineRule, notInScope, type Blocked, type CheckFinding } from '../rule.js';
import { ExpresswayVersion } from '../../expressway/version.js';
import type { ExpresswayVersionResult } from '../../expressway/source.js';
import { STATUS_FAILURE_MESSAGE_IDS } from './expressway-version.js';

/**
 * MRA-EXP-002. MRA runs over the traversal zone between Expressway-C and Expressway-E, and Cisco
 * supports that pair only on the same release (seed: 모바일 및 원격 액세스 구성 작업 흐름 > 단계 9,
 * which defers to the Expressway MRA deployment guide).
 *
 * Pairing: every Expressway-C is compared with every Expressway-E. A traversal client cluster may
 * reach any peer of the traversal server cluster, and the inventory does not say which C peers
 * with which E, so each C/E combination is one finding; with one C and one E that is one pair.
 */

type MessageId = 'versionsMatch' | 'versionsDiffer';

const messages: Record<MessageId, string> = {
  versionsMatch: 'Expressway-C {c} and Expressway-E {e} both run {version}.',
  versionsDiffer:
    'Expressway-C {c} runs {cVersion} but Expressway-E {e} runs {eVersion}; upgrade them to the same release before relying on MRA.',
};

/** Target of one C/E pair, stable across runs. */
export const pairTarget = (c: string, e: string): string => `${c} <-> ${e}`;

type Known = { ok: true; version: ExpresswayVersion; result: ExpresswayVersionResult & { kind: 'version' } };

/** The parsed version, when MRA-EXP-001 could establish one. */
function known(result: ExpresswayVersionResult): Known | { ok: false } {
  if (result.kind !== 'version') return { ok: false };
  const parsed = ExpresswayVersion.tryParse(result.raw);
  return parsed.ok ? { ok: true, version: parsed.version, result } : { ok: false };
}

const sourceOf = (result: ExpresswayVersionResult & { kind: 'version' }): string =>
  result.source === 'status.xml' ? `status.xml ${result.exchange.url}` : 'inventory';

export default defineRule({
  meta: {
    id: 'MRA-EXP-002',
    slug: 'expressway-version-match',
    area: 'exp',
    severity: 'warning',
    title: 'Expressway-C and Expressway-E run the same version',
    vantage: 'internal',
    needs: ['expressway'],
    requires: [
      {
        rule: 'MRA-EXP-001',
        messages: ['versionUnknown', 'versionUnparseable', ...Object.values(STATUS_FAILURE_MESSAGE_IDS)],
      },
    ],
    scope: 'Expressway-C / Expressway-E pairs in the inventory',
    messages,
    fixGroup: (finding) => ({ key: `expressway-pair:${finding.target}`, label: `Expressway pair ${finding.target}` }),
  },
  async run(ctx) {
    const cs = ctx.inventory.nodes.filter((node) => node.role === 'expressway-c');
    const es = ctx.inventory.nodes.filter((node) => node.role === 'expressway-e');
    if (cs.length === 0 || es.length === 0) {
      const missing = cs.length === 0 ? 'Expressway-C' : 'Expressway-E';
      return notInScope(`no ${missing} in the inventory, so there is no C/E pair to compare`);
    }
    const [cResults, eResults] = await Promise.all([
      Promise.all(cs.map((node) => ctx.services.expressway.version(node))),
      Promise.all(es.map((node) => ctx.services.expressway.version(node))),
    ]);
    const findings: Array<CheckFinding<MessageId> | Blocked> = [];
    for (const c of cResults) {
      for (const e of eResults) {
        const target = pairTarget(c.fqdn, e.fqdn);
        const cKnown = known(c);
        const eKnown = known(e);
        // A version MRA-EXP-001 could not establish is reported there; the engine names it here.
        if (!cKnown.ok || !eKnown.ok) {
          findings.push(blocked(target, [c.fqdn, e.fqdn]));
          continue;
        }
        const same = cKnown.version.equals(eKnown.version);
        findings.push({
          target,
          status: same ? 'pass' : 'fail',
          messageId: same ? 'versionsMatch' : 'versionsDiffer',
          args: {
            c: c.fqdn,
            e: e.fqdn,
            version: cKnown.version.toString(),
            cVersion: cKnown.version.toString(),
            eVersion: eKnown.version.toString(),
          },
          evidence: {
            expresswayC: { node: c.fqdn, version: cKnown.result.raw, source: sourceOf(cKnown.result) },
            expresswayE: { node: e.fqdn, version: eKnown.result.raw, source: sourceOf(eKnown.result) },
          },
        });
      }
    }
    return findings;
  },
});
