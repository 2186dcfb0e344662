import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { inventoryTemplate } from '../inventory/template.js';
import { schemaPath } from '../inventory/validate.js';

/** The copy of the inventory schema that `init` writes next to the inventory. */
export const SCHEMA_COPY = 'mra-preflight.schema.json';

export interface InitOptions {
  output: string;
  force?: boolean;
  /** Path or URL written into the `$schema` modeline as given; no copy is made then. */
  schema?: string;
}

function writeFailure(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'its folder does not exist'
      : code === 'EACCES'
        ? 'permission denied'
        : `cannot be written (${code ?? 'error'})`;
  return `mra-preflight: ${file}: ${reason}\n`;
}

/**
 * Writes the commented template. The yaml-language-server modeline must keep resolving once the
 * inventory is committed and checked out elsewhere, so by default it names a copy of the schema in
 * the inventory's own folder (`./mra-preflight.schema.json`, committed with it), never a path into
 * wherever this tool happens to be installed. `--schema` writes the user's own path or URL instead.
 */
export function runInitCommand(options: InitOptions): number {
  if (existsSync(options.output) && !options.force) {
    process.stderr.write(`mra-preflight: ${options.output} exists; use --force to overwrite it\n`);
    return 2;
  }
  if (options.schema !== undefined && (options.schema.trim() === '' || /[\r\n]/.test(options.schema))) {
    process.stderr.write('mra-preflight: --schema needs a path or URL on one line\n');
    return 2;
  }
  const schema = readFileSync(schemaPath('inventory.schema.json'), 'utf8');
  const copy = options.schema === undefined ? join(dirname(resolve(options.output)), SCHEMA_COPY) : undefined;
  const staleCopy = copy !== undefined && existsSync(copy) && readFileSync(copy, 'utf8') !== schema;
  if (copy && staleCopy && !options.force) {
    process.stderr.write(
      `mra-preflight: ${copy} exists and is not this version's inventory schema; use --force to overwrite it, or --schema to reference another\n`,
    );
    return 2;
  }
  try {
    writeFileSync(options.output, inventoryTemplate(options.schema ?? `./${SCHEMA_COPY}`));
  } catch (error) {
    process.stderr.write(writeFailure(options.output, error));
    return 2;
  }
  if (copy) {
    try {
      writeFileSync(copy, schema);
    } catch (error) {
      process.stderr.write(writeFailure(copy, error));
      return 2;
    }
  }
  const also = copy ? ` and ${join(dirname(options.output), SCHEMA_COPY)} (the schema it names; commit both)` : '';
  process.stderr.write(
    `wrote ${options.output}${also}: edit it, then run \`mra-preflight check -i ${options.output}\`\n`,
  );
  return 0;
}
