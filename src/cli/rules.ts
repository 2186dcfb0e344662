import { findRule, loadCatalog } from '../engine/catalog.js';
import { ALL_CHECKS } from '../checks/index.js';

export function runRulesCommand(options: { json?: boolean }): number {
  const catalog = loadCatalog();
  if (options.json) {
    process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
    return 0;
  }
  const implemented = new Set(ALL_CHECKS.map((check) => check.id));
  for (const rule of catalog) {
    const state = implemented.has(rule.id) ? '' : ' (planned)';
    process.stdout.write(
      `${rule.id.padEnd(13)} ${rule.slug.padEnd(28)} ${rule.severity.padEnd(8)} ${rule.title}${state}\n`,
    );
  }
  return 0;
}

export function runExplainCommand(name: string): number {
  const rule = findRule(loadCatalog(), name);
  if (!rule) {
    process.stderr.write(`mra-preflight: unknown rule "${name}" (see \`mra-preflight rules\`)\n`);
    return 2;
  }
  const lines = [
    `${rule.id}  ${rule.slug}  (${rule.area}, ${rule.severity})`,
    rule.title,
    '',
    'Why:',
    `  ${rule.rationale}`,
  ];
  if (rule.procedure.length > 0)
    lines.push('', 'How it is checked:', ...rule.procedure.map((step, i) => `  ${i + 1}. ${step}`));
  lines.push('', 'How to fix:', `  ${rule.remediation}`, '', `Source: ${rule.source}`);
  if (rule.messageSeverity) {
    lines.push(
      '',
      `Severity by outcome: ${Object.entries(rule.messageSeverity)
        .map(([id, severity]) => `${id} → ${severity}`)
        .join(', ')}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
