import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/package/root.js';

/**
 * STYLE.md and issue 15: imports point down the layers and never in a circle. The layers, lowest
 * first; a module may import its own layer and the ones below, never one above. `lab/` (the
 * embedded demo's servers) sits beside the product: only the demo command imports it.
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['src/package'],
  ['src/inventory'],
  ['src/probes'],
  ['src/cert', 'src/cucm', 'src/expressway', 'src/edge'],
  ['src/checks'],
  ['src/engine'],
  ['src/report'],
  ['src/docs'],
  ['lab'],
  ['src/cli', 'src/index.ts'],
];
const LAB_ENTRY = 'src/cli/demo.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(PACKAGE_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import and export-from of a module (type-only ones too: they are dependencies of the design). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"](\.[^'"]+)['"]/g)].map(
    (match) => match[1]!,
  );
  specifiers.push(...[...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((match) => match[1]!));
  return specifiers
    .map((specifier) => relative(PACKAGE_ROOT, resolve(PACKAGE_ROOT, dirname(file), specifier.replace(/\.js$/, '.ts'))))
    .filter((target) => existsSync(join(PACKAGE_ROOT, target)));
}

const layerOf = (file: string): number =>
  LAYERS.findIndex((layer) => layer.some((prefix) => file === prefix || file.startsWith(`${prefix}/`)));

const files = [...sourceFiles('src'), ...sourceFiles('lab')];
const graph = new Map(files.map((file) => [file, importsOf(file)]));

/** Strongly connected components with more than one module (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of files) if (!indices.has(file)) visit(file);
  return found;
}

describe('architecture', () => {
  it('places every module in a layer', () => {
    expect(files.filter((file) => layerOf(file) < 0)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('imports only downward, and only the demo command imports the lab', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        if (layerOf(target) > layerOf(file)) upward.push(`${file} -> ${target}`);
        if (target.startsWith('lab/') && !file.startsWith('lab/') && file !== LAB_ENTRY)
          upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps network code under src/probes', () => {
    // A value import from a module that can open a connection; address and root-store helpers
    // (isIP, rootCertificates) and type-only imports are not network code.
    const harmless = new Set(['isIP', 'isIPv4', 'isIPv6', 'rootCertificates']);
    const network = /^import\s+(?!type\b)(.*?)\s+from\s+['"](?:node:(?:net|dgram|tls|https|http)|undici)['"]/gm;
    const outside = files.filter((file) => {
      if (!file.startsWith('src/') || file.startsWith('src/probes/')) return false;
      const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
      return [...text.matchAll(network)].some(([, clause]) => {
        const names = /^\{([^}]*)\}$/
          .exec(clause!.trim())?.[1]
          ?.split(',')
          .map((name) => name.trim().replace(/^type\s+/, ''));
        return !names || names.some((name) => name && !harmless.has(name) && !clause!.includes(`type ${name}`));
      });
    });
    expect(outside).toEqual([]);
  });
});
