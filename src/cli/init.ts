import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { inventoryTemplate } from '../inventory/template.js';
import { schemaPath } from '../inventory/validate.js';

export function runInitCommand(options: { output: string; force?: boolean }): number {
  if (existsSync(options.output) && !options.force) {
    process.stderr.write(`mra-preflight: ${options.output} exists; use --force to overwrite it\n`);
    return 2;
  }
  // A relative path keeps working when the folder moves together with node_modules.
  const schemaRef =
    relative(dirname(resolve(options.output)), schemaPath('inventory.schema.json')) || 'inventory.schema.json';
  try {
    writeFileSync(options.output, inventoryTemplate(schemaRef));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot be written (${code ?? 'error'})`;
    process.stderr.write(`mra-preflight: ${options.output}: ${reason}\n`);
    return 2;
  }
  process.stderr.write(`wrote ${options.output}: edit it, then run \`mra-preflight check -i ${options.output}\`\n`);
  return 0;
}
