import { defineRule, notInScope, type CheckFinding } from '../rule.js';
import {
  describeFailure,
  isAnswered,
  queryEvidence,
  reverseName,
  type DnsQueryType,
  type DnsResult,
} from '../../probes/dns.js';
import { resolverLabels, UDS_SERVICE } from './names.js';

type Message = 'agree' | 'disagree' | 'compareFailed';

interface Question {
  name: string;
  types: DnsQueryType[];
}

/** The names the other internal rules ask (MRA-DNS-001, -004, -005), so the probe cache answers most. */
function questions(domains: readonly string[], nodes: ReadonlyArray<{ fqdn: string; ip?: string }>): Question[] {
  return [
    ...domains.map((domain) => ({ name: `${UDS_SERVICE}.${domain}`, types: ['SRV'] as DnsQueryType[] })),
    ...nodes.map((node) => ({ name: node.fqdn, types: ['A', 'AAAA'] as DnsQueryType[] })),
    ...nodes.flatMap((node) => (node.ip ? [{ name: reverseName(node.ip), types: ['PTR'] as DnsQueryType[] }] : [])),
  ];
}

/** An answer set without TTLs (they count down between resolvers) and in a stable order. */
function answerSet(results: readonly DnsResult[]): string {
  const records = results.flatMap((result) =>
    result.answers.map((record) => `${record.name} ${record.type} ${record.data.replace(/\.$/, '')}`),
  );
  const set = [...new Set(records)].sort();
  return set.length > 0 ? set.join(' | ') : 'no records';
}

/**
 * MRA-DNS-006: Expressway-C and internal clients may be given any internal resolver; when they do
 * not agree, MRA works or fails depending on which one was asked. One finding per name: all
 * resolvers that answered must give the same records.
 */
export default defineRule({
  meta: {
    id: 'MRA-DNS-006',
    slug: 'resolver-agreement',
    area: 'dns',
    severity: 'warning',
    title: 'All internal resolvers give the same answers',
    vantage: 'internal',
    needs: ['dns.internal'],
    scope: 'internal DNS names of the inventory',
    fixGroup: (finding) => ({
      key: `resolver-agreement:${finding.target}`,
      label: `internal resolvers' answers for ${finding.target}`,
    }),
    messages: {
      agree: 'The {count} internal resolvers give the same answer for {question}: {answer}.',
      disagree: 'Internal resolvers disagree on {question}: {differences}.',
      compareFailed: 'Could not compare {question} across internal resolvers: {reason}.',
    },
  },
  async run(ctx) {
    const resolvers = resolverLabels(ctx.inventory.dns.internal);
    if (resolvers.length < 2) {
      return notInScope(
        `only one internal resolver (${resolvers[0] ?? 'none'}) in the inventory; there is nothing to compare`,
      );
    }
    return Promise.all(
      questions(ctx.inventory.domains, ctx.inventory.nodes).map(
        async ({ name, types }): Promise<CheckFinding<Message>> => {
          const question = `${name} ${types.join('/')}`;
          const answers = await Promise.all(
            resolvers.map(async (resolver) => {
              const results = await Promise.all(
                types.map((type) => ctx.services.dns.query(resolver, name, type, ctx.signal)),
              );
              const failed = results.find((result) => !isAnswered(result.outcome));
              return { resolver, results, failed, set: failed ? undefined : answerSet(results) };
            }),
          );
          const evidence = {
            question,
            resolvers: answers.map((answer) => ({
              resolver: answer.resolver,
              answerSet: answer.set ?? null,
              queries: answer.results.map(queryEvidence),
            })),
          };
          const base = {
            target: question,
            evidence,
            durationMs: Math.max(0, ...answers.flatMap((answer) => answer.results.map((result) => result.durationMs))),
          };
          const known = answers.filter((answer) => answer.set !== undefined);
          const distinct = new Set(known.map((answer) => answer.set));
          if (distinct.size > 1) {
            const differences = [...distinct]
              .map(
                (set) =>
                  `from ${known
                    .filter((answer) => answer.set === set)
                    .map((answer) => answer.resolver)
                    .join(', ')}: ${set}`,
              )
              .join('; ');
            return { ...base, status: 'fail', messageId: 'disagree', args: { question, differences } };
          }
          const unknown = answers.filter((answer) => answer.failed);
          if (unknown.length > 0) {
            const reason = unknown
              .map((answer) => `${answer.resolver}: ${answer.failed ? describeFailure(answer.failed) : ''}`)
              .join('; ');
            return { ...base, status: 'inconclusive', messageId: 'compareFailed', args: { question, reason } };
          }
          return {
            ...base,
            status: 'pass',
            messageId: 'agree',
            args: { question, count: resolvers.length, answer: known[0]?.set ?? 'no records' },
          };
        },
      ),
    );
  },
});
