import { readFileSync } from 'node:fs';
import type { CatalogEntry } from '../engine/catalog.js';
import { schemaPath } from '../inventory/validate.js';

/**
 * The README's reference sections are generated: the rule list from the catalog (rules/), the
 * inventory reference from schema/inventory.schema.json. A test fails when the README is stale.
 */
interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  required?: string[];
  $ref?: string;
  allOf?: SchemaNode[];
  additionalProperties?: boolean | SchemaNode;
  minimum?: number;
  maximum?: number;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

export function renderRuleTable(catalog: readonly CatalogEntry[]): string {
  const lines = [
    '| id | slug | severity | vantage | what must hold | source (chapter section > step) |',
    '|---|---|---|---|---|---|',
  ];
  for (const rule of catalog) {
    const exceptions = Object.entries(rule.messages).filter(
      ([, spec]) => spec.severity && spec.severity !== rule.severity,
    );
    const severity =
      exceptions.length > 0
        ? `${rule.severity} (${exceptions.map(([id, spec]) => `${id}: ${spec.severity}`).join(', ')})`
        : rule.severity;
    const requires = rule.requires.length > 0 ? ` (after ${rule.requires.map((item) => item.rule).join(', ')})` : '';
    lines.push(
      `| ${rule.id} | \`${rule.slug}\` | ${severity} | ${rule.vantage} | ${cell(rule.title)}${requires} | ${cell(rule.source)} |`,
    );
  }
  return lines.join('\n');
}

export function renderInventoryReference(): string {
  const schema = JSON.parse(readFileSync(schemaPath('inventory.schema.json'), 'utf8')) as SchemaNode & {
    definitions: Record<string, SchemaNode>;
  };
  const resolve = (node: SchemaNode): SchemaNode => {
    const ref = node.$ref ?? node.allOf?.[0]?.$ref;
    if (!ref) return node;
    const target = schema.definitions[ref.replace('#/definitions/', '')] ?? {};
    return {
      ...target,
      ...node,
      $ref: undefined,
      allOf: undefined,
      description: node.description ?? target.description,
    };
  };
  const typeOf = (node: SchemaNode): string => {
    if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
    if (node.type === 'array') return `list of ${node.items ? typeOf(resolve(node.items)) : 'values'}`;
    if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') {
      return `map of ${typeOf(node.additionalProperties)}`;
    }
    return Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'value');
  };
  const rows: string[] = ['| key | type | required | default | meaning |', '|---|---|---|---|---|'];
  const walk = (node: SchemaNode, prefix: string): void => {
    for (const [key, raw] of Object.entries(node.properties ?? {})) {
      if (key === '$schema') continue;
      const child = resolve(raw);
      const path = prefix ? `${prefix}.${key}` : key;
      const required = node.required?.includes(key) ? 'yes' : '';
      const fallback = child.default === undefined ? '' : `\`${JSON.stringify(child.default)}\``;
      rows.push(`| \`${path}\` | ${typeOf(child)} | ${required} | ${fallback} | ${cell(child.description ?? '')} |`);
      if (child.properties) walk(child, path);
      if (child.items) {
        const item = resolve(child.items);
        if (item.properties) walk(item, `${path}[]`);
      }
    }
  };
  walk(schema, '');
  return rows.join('\n');
}

const section = (name: string): RegExp =>
  new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);

/** README text with its generated sections replaced by fresh ones. */
export function regenerateReadme(readme: string, catalog: readonly CatalogEntry[]): string {
  return readme
    .replace(section('rules'), (_, open: string, close: string) => `${open}${renderRuleTable(catalog)}\n${close}`)
    .replace(
      section('inventory'),
      (_, open: string, close: string) => `${open}${renderInventoryReference()}\n${close}`,
    );
}
