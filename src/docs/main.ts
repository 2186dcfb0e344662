import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../engine/catalog.js';
import { PACKAGE_ROOT } from '../package/root.js';
import { regenerateReadme } from './readme.js';

// `npm run docs`: rewrites the README's generated sections (rule list, inventory reference).
const file = join(PACKAGE_ROOT, 'README.md');
const { entries } = await loadCatalog();
writeFileSync(file, regenerateReadme(readFileSync(file, 'utf8'), entries));
console.log(`updated ${file}`);
