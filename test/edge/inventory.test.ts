import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory, normalizeInventory, parseStructuredText } from '../../src/inventory/load.js';
import { InputError } from '../../src/inventory/problems.js';
import { inventoryTemplate } from '../../src/inventory/template.js';
import { KNOWN_RULE_NAMES } from '../helpers/check.js';

/** The inventory's `edge` block (SPEC 8.7): defaults, relative paths, and problems with their JSON paths. */

const known = KNOWN_RULE_NAMES;

function problemsOf(edge: unknown): string[] {
  try {
    normalizeInventory({ domains: ['example.com'], edge }, 'inv.yaml', known);
  } catch (error) {
    if (error instanceof InputError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  return [];
}

describe('inventory edge block', () => {
  it('resolves clientTrust against the inventory folder and fills the TURN transport default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-edge-'));
    const file = join(dir, 'mra-preflight.yaml');
    writeFileSync(
      file,
      [
        'domains: [example.com]',
        'edge:',
        '  clientTrust: [certs/public-roots.pem, /etc/ssl/extra.pem]',
        '  turn:',
        '    - { server: "expe.example.com" }',
        '    - { server: "[2001:db8::30]:5349", transports: [tls], usernameEnv: TURN_USER, passwordEnv: TURN_PASS }',
      ].join('\n'),
    );
    const inventory = loadInventory(file, known);
    expect(inventory.edge).toEqual({
      clientTrust: [join(dir, 'certs/public-roots.pem'), '/etc/ssl/extra.pem'],
      turn: [
        { server: 'expe.example.com', transports: ['udp', 'tcp'] },
        { server: '[2001:db8::30]:5349', transports: ['tls'], usernameEnv: 'TURN_USER', passwordEnv: 'TURN_PASS' },
      ],
    });
  });

  it('has no edge settings when the block is absent', () => {
    expect(normalizeInventory({ domains: ['example.com'] }, 'inv.yaml', known).edge).toBeUndefined();
  });

  it('reports each mistake with its JSON path', () => {
    expect(
      problemsOf({
        clientTrust: [''],
        turn: [
          { server: 'expe.example.com:70000' },
          { server: 'expe.example.com', transports: ['udp', 'dtls'] },
          { server: 'expe.example.com', usernameEnv: 'TURN_USER' },
          { server: 'expe.example.com', transport: ['udp'] },
          { transports: [] },
        ],
        stun: [],
      }).sort(),
    ).toEqual(
      [
        '$.edge.clientTrust[0]: must NOT have fewer than 1 characters',
        '$.edge.stun: unknown key (not in the schema; check the spelling)',
        '$.edge.turn[0].server: "expe.example.com:70000" has port 70000, outside 1-65535',
        '$.edge.turn[1].transports[1]: unknown TURN transport "dtls" (did you mean "tls"?)',
        '$.edge.turn[2].passwordEnv: usernameEnv and passwordEnv go together (both for an Allocate test, neither for Binding only)',
        '$.edge.turn[3].transport: unknown key (not in the schema; check the spelling)',
        '$.edge.turn[4].server: is required',
        '$.edge.turn[4].transports: must NOT have fewer than 1 items',
      ].sort(),
    );
  });

  it('keeps the init template valid, with the edge block commented and uncommented', () => {
    const template = inventoryTemplate('schema/inventory.schema.json');
    expect(normalizeInventory(parseStructuredText(template, 'init.yaml'), 'init.yaml', known).edge).toBeUndefined();
    const lines = template.split('\n');
    const start = lines.findIndex((line) => line === '# edge:');
    expect(start).toBeGreaterThan(0);
    let end = start;
    while (lines[end + 1]?.startsWith('#  ')) end++;
    const uncommented = lines.map((line, i) => (i >= start && i <= end ? line.replace(/^# ?/, '') : line)).join('\n');
    const inventory = normalizeInventory(parseStructuredText(uncommented, 'init.yaml'), 'init.yaml', known);
    expect(inventory.edge?.turn).toHaveLength(2);
    expect(inventory.edge?.turn[1]).toEqual({ server: 'expe.example.com:5349', transports: ['tls'] });
  });
});
