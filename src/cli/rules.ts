import { catalogEntries, findRule, ruleNames, type CatalogEntry } from '../engine/catalog.js';
import { didYouMean } from '../inventory/suggest.js';

/** The chapter every `source` refers to, named once where people read it. */
export const CHAPTER =
  'Unified CM "Mobile and Remote Access configuration" (Korean edition, 모바일 및 원격 액세스 구성)';

const severityText = (entry: CatalogEntry): string => {
  const exceptions = Object.entries(entry.messages).filter(
    ([, spec]) => spec.severity && spec.severity !== entry.severity,
  );
  return exceptions.length === 0
    ? entry.severity
    : `${entry.severity} (${exceptions.map(([id, spec]) => `${id}: ${spec.severity}`).join(', ')})`;
};

export async function runRulesCommand(options: { json?: boolean }): Promise<number> {
  const entries = await catalogEntries();
  if (options.json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  for (const rule of entries) {
    process.stdout.write(`${rule.id.padEnd(13)} ${rule.slug.padEnd(28)} ${rule.severity.padEnd(8)} ${rule.title}\n`);
  }
  return 0;
}

export function explainText(rule: CatalogEntry): string {
  const lines = [
    `${rule.id}  ${rule.slug}  (${rule.area}, ${severityText(rule)}, vantage ${rule.vantage})`,
    rule.title,
    '',
    'Why:',
    `  ${rule.rationale}`,
  ];
  if (rule.procedure.length > 0) {
    lines.push('', 'How it is checked:', ...rule.procedure.map((step, i) => `  ${i + 1}. ${step}`));
  }
  if (rule.requires.length > 0) {
    const prerequisites = rule.requires.map((prerequisite) =>
      prerequisite.messages
        ? `${prerequisite.rule} (when it reports ${prerequisite.messages.join(', ')})`
        : prerequisite.rule,
    );
    lines.push('', `Defers to: ${prerequisites.join('; ')}: a target they already report is skipped here.`);
  }
  lines.push(
    '',
    'How to fix:',
    `  ${rule.remediation}`,
    '',
    `Source: ${rule.source}`,
    `  in ${CHAPTER}`,
    `More: ${rule.helpUri}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function runExplainCommand(name: string): Promise<number> {
  const entries = await catalogEntries();
  const rule = findRule(entries, name);
  if (!rule) {
    const names = entries.flatMap((entry) => [entry.id, entry.slug]);
    process.stderr.write(
      `mra-preflight: unknown rule "${name}"${didYouMean(name, names)} (see \`mra-preflight rules\`)\n`,
    );
    return 2;
  }
  process.stdout.write(explainText(rule));
  return 0;
}

export { ruleNames };
