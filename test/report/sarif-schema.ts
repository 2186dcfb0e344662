import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'sarif-2.1.0.schema.json'), 'utf8'),
) as object;
// The OASIS schema is JSON Schema draft-04; ajv-draft-04 is Ajv for exactly that draft. Both
// packages are CommonJS with a `default` property, which NodeNext types see one level down.
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: InstanceType<typeof AjvDraft04>) => void;
const ajv = new AjvDraft04({ allErrors: true });
addFormats(ajv);

/** Validator of the vendored SARIF 2.1.0 schema (schema/sarif-2.1.0.schema.json). */
export const validateSarif = ajv.compile(schema);
