import { DEPLOYMENT_TARGET } from '../../engine/run.js';
import { defineCheck, type CheckFinding } from '../../engine/types.js';
import { ExpresswayVersion } from '../../expressway/version.js';
import type { ExpresswayVersionResult } from '../../expressway/source.js';
import { ROLE_LABEL } from './expressway-version.js';

/**
 * MRA-EXP-002. MRA runs over the traversal zone between Expressway-C and Expressway-E, and Cisco
 * supports that pair only on the same release (seed: 모바일 및 원격 액세스 구성 작업 흐름 > 단계 9,
 * which defers to the Expressway MRA deployment guide).
 *
 * Pairing: every Expressway-C is compared with every Expressway-E. A traversal client cluster may
 * reach any peer of the traversal server cluster, and the inventory does not say which C peers
 * with which E, so each C/E combination is one finding; with one C and one E that is one pair.
 */

type MessageId = 'versionsMatch' | 'versionsDiffer' | 'versionUnavailable' | 'noPair';

const messages: Record<MessageId, string> = {
  versionsMatch: 'Expressway-C {c} and Expressway-E {e} both run {version}.',
  versionsDiffer:
    'Expressway-C {c} runs {cVersion} but Expressway-E {e} runs {eVersion}; upgrade them to the same release before relying on MRA.',
  versionUnavailable: 'Skipped {c} / {e}: the version of {role} {node} is not known ({reason}).',
  noPair: 'Skipped: {reason}.',
};

/** Target of one C/E pair, stable across runs. */
export const pairTarget = (c: string, e: string): string => `${c} <-> ${e}`;

type Known = { ok: true; version: ExpresswayVersion; result: ExpresswayVersionResult & { kind: 'version' } };
type Unknown = { ok: false; reason: string };

/** A failure is reported once, by MRA-EXP-001; here the pair only points there. */
function known(result: ExpresswayVersionResult): Known | Unknown {
  if (result.kind === 'unknown') return { ok: false, reason: result.reason };
  if (result.kind === 'failure') return { ok: false, reason: 'status.xml gave no version; MRA-EXP-001 reports why' };
  const parsed = ExpresswayVersion.tryParse(result.raw);
  if (!parsed.ok) return { ok: false, reason: `"${result.raw}" is not a release number; MRA-EXP-001 reports it` };
  return { ok: true, version: parsed.version, result };
}

const sourceOf = (result: ExpresswayVersionResult & { kind: 'version' }): string =>
  result.source === 'status.xml' ? `status.xml ${result.exchange.url}` : 'inventory';

export default defineCheck<MessageId>({
  id: 'MRA-EXP-002',
  needs: ['expressway'],
  messages,
  async run(ctx) {
    const cs = ctx.inventory.nodes.filter((node) => node.role === 'expressway-c');
    const es = ctx.inventory.nodes.filter((node) => node.role === 'expressway-e');
    if (cs.length === 0 || es.length === 0) {
      const missing = cs.length === 0 ? 'Expressway-C' : 'Expressway-E';
      return [
        {
          target: DEPLOYMENT_TARGET,
          status: 'skipped',
          messageId: 'noPair',
          args: { reason: `no ${missing} in the inventory, so there is no C/E pair to compare` },
          evidence: { expresswayC: cs.map((node) => node.fqdn), expresswayE: es.map((node) => node.fqdn) },
        },
      ];
    }
    const [cResults, eResults] = await Promise.all([
      Promise.all(cs.map((node) => ctx.services.expressway.version(node))),
      Promise.all(es.map((node) => ctx.services.expressway.version(node))),
    ]);
    const findings: CheckFinding<MessageId>[] = [];
    for (const c of cResults) {
      for (const e of eResults) {
        const target = pairTarget(c.fqdn, e.fqdn);
        const cKnown = known(c);
        const eKnown = known(e);
        if (!cKnown.ok || !eKnown.ok) {
          const [missing, why] = !cKnown.ok ? [c, cKnown.reason] : [e, (eKnown as Unknown).reason];
          findings.push({
            target,
            status: 'skipped',
            messageId: 'versionUnavailable',
            args: { c: c.fqdn, e: e.fqdn, role: ROLE_LABEL[missing.role], node: missing.fqdn, reason: why },
            evidence: { expresswayC: c.fqdn, expresswayE: e.fqdn, unknownVersion: missing.fqdn, reason: why },
          });
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
