import { existsSync, writeFileSync } from 'node:fs';
import { INVENTORY_TEMPLATE } from '../inventory/template.js';

export function runInitCommand(options: { output: string; force?: boolean }): number {
  if (existsSync(options.output) && !options.force) {
    process.stderr.write(`mra-preflight: ${options.output} exists; use --force to overwrite it\n`);
    return 2;
  }
  writeFileSync(options.output, INVENTORY_TEMPLATE);
  process.stderr.write(`wrote ${options.output}: edit it, then run \`mra-preflight check -i ${options.output}\`\n`);
  return 0;
}
