// Part of `npm run build`: tsc compiles TypeScript only, so the HTML report's style sheet and script
// (src/report/html/report.css, report.js: linted and formatted as CSS and JS) are copied next to the
// compiled renderer, which reads them relative to itself (dist/src/report/html/).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'report', 'html');
const to = join(root, 'dist', 'src', 'report', 'html');
mkdirSync(to, { recursive: true });
for (const file of readdirSync(from).filter((name) => /\.(css|js)$/.test(name))) {
  copyFileSync(join(from, file), join(to, file));
}
