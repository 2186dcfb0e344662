import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { BUILT_CATALOG, loadCatalog } from '../engine/catalog.js';
import { newAjv, schemaPath, standaloneValidatorPath } from '../inventory/validate.js';

/**
 * Part of `npm run build`: what start-up would otherwise compute every run (SPEC 8.10: `rules`,
 * `explain` and `check` start within 150 ms of a bare node):
 * - the catalog's entries (metadata and prose, no code) as one JSON file, checked for
 *   consistency on the way (a broken rule/prose pair fails the build);
 * - the inventory and snapshot validators as ajv standalone code (CommonJS, loaded synchronously).
 */
// ajv's standalone module is CommonJS; its function arrives under .default in ESM.
const standaloneCode = ((standaloneModule as unknown as { default?: typeof standaloneModule }).default ??
  standaloneModule) as unknown as (ajv: ReturnType<typeof newAjv>, validate: unknown) => string;

const { entries } = await loadCatalog();
writeFileSync(BUILT_CATALOG, `${JSON.stringify(entries)}\n`);

for (const schema of ['inventory.schema.json', 'snapshot.schema.json']) {
  const ajv = newAjv({ code: { source: true } });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath(schema), 'utf8')) as object);
  const target = standaloneValidatorPath(schema);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, standaloneCode(ajv, validate));
}
