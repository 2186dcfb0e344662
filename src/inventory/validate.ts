import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { PACKAGE_ROOT } from '../package/root.js';
import { childPath, pointerToPath, type Problem } from './problems.js';

// ajv-formats is CommonJS; its default export arrives under .default in ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const validators = new Map<string, ValidateFunction>();

export function schemaPath(name: string): string {
  return join(PACKAGE_ROOT, 'schema', name);
}

export const AJV_OPTIONS: Options = { allErrors: true, strict: false, allowUnionTypes: true };

/** A new Ajv with the formats the schemas use (also used by the build to write standalone validators). */
export function newAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...options });
  addFormats(ajv);
  return ajv;
}

/** Where `npm run build` writes each schema's validator as standalone code (ajv standalone). */
export const standaloneValidatorPath = (schemaFile: string): string =>
  join(PACKAGE_ROOT, 'dist', 'validators', schemaFile.replace(/\.schema\.json$/, '.cjs'));

// The built CLI loads the validators compiled at build time (compiling a schema costs more than
// the rest of start-up); tests run from the sources and compile the schemas as they are now.
const fromBuild = fileURLToPath(import.meta.url).includes(`${join('dist', 'src')}`);
const requireBuilt = createRequire(import.meta.url);

/** Compiled once per process; the schemas in schema/ are the published contract. */
export function validatorFor(schemaFile: string): ValidateFunction {
  let validate = validators.get(schemaFile);
  if (!validate) {
    const built = standaloneValidatorPath(schemaFile);
    validate =
      fromBuild && existsSync(built)
        ? (requireBuilt(built) as ValidateFunction)
        : newAjv().compile(JSON.parse(readFileSync(schemaPath(schemaFile), 'utf8')) as object);
    validators.set(schemaFile, validate);
  }
  return validate;
}

function describe(error: ErrorObject): { path: string; message: string } {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        path: childPath(path, String(params.additionalProperty)),
        message: 'unknown key (not in the schema; check the spelling)',
      };
    case 'required':
      return { path: childPath(path, String(params.missingProperty)), message: 'is required' };
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      return { path, message: `has an invalid format (expected to match ${String(params.pattern)})` };
    case 'type':
      return { path, message: `must be ${String(params.type)}` };
    default:
      return { path, message: error.message ?? error.keyword };
  }
}

/** Validates data against a schema in schema/ and returns one problem per distinct error. */
export function schemaProblems(schemaFile: string, data: unknown, file: string): Problem[] {
  const validate = validatorFor(schemaFile);
  if (validate(data)) return [];
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of validate.errors ?? []) {
    // anyOf/oneOf branches repeat their children's errors; the children say it better.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const { path, message } = describe(error);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, path, message });
  }
  return problems;
}
