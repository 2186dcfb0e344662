import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogRule as rule } from './test-rules.js';
import { CatalogError, catalogProblems, findRule, matchRule, readProse, ruleNames } from '../../src/engine/catalog.js';

/** The load-time checks one at a time, the prose reader's refusals, and name matching. */

describe('catalogProblems, one problem at a time', () => {
  it('refuses an id that is not MRA-<AREA>-NNN', () => {
    expect(catalogProblems([rule('MRA-DNS-01', 'short-id')], ['MRA-DNS-01'])).toEqual([
      'MRA-DNS-01: not a rule id (MRA-<AREA>-NNN)',
    ]);
  });

  it('reports an id without an area part instead of throwing', () => {
    expect(catalogProblems([rule('dns', 'no-dashes')], ['dns'])).toEqual([
      'dns: not a rule id (MRA-<AREA>-NNN)',
      'dns: area dns does not match the id',
    ]);
  });

  it('refuses a slug that is not kebab-case', () => {
    expect(catalogProblems([rule('MRA-DNS-001', 'Not_Kebab')], ['MRA-DNS-001'])).toEqual([
      'MRA-DNS-001: slug "Not_Kebab" is not kebab-case',
    ]);
  });

  it('refuses two modules with one id', () => {
    expect(catalogProblems([rule('MRA-DNS-001', 'one'), rule('MRA-DNS-001', 'two')], ['MRA-DNS-001'])).toEqual([
      'MRA-DNS-001: two modules',
    ]);
  });

  it('refuses a rule that declares no messages', () => {
    expect(catalogProblems([rule('MRA-DNS-001', 'mute', { messages: {} })], ['MRA-DNS-001'])).toEqual([
      'MRA-DNS-001: declares no messages',
    ]);
  });

  it('refuses a message that starts with "Skipped" after blanks, and accepts one that mentions it later', () => {
    const messages = { lead: '  skipped: nothing to do.', later: 'Records were skipped by the resolver.' };
    expect(catalogProblems([rule('MRA-DNS-001', 'says-skipped', { messages })], ['MRA-DNS-001'])).toEqual([
      'MRA-DNS-001.lead: a message does not say "Skipped": the status does',
    ]);
  });
});

describe('readProse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mra-prose-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (id: string, text: string): string => {
    writeFileSync(join(dir, `${id}.yaml`), text);
    return join(dir, `${id}.yaml`);
  };
  const complete = [
    'rationale: Clients need it.',
    'remediation: Add the record.',
    'source: Chapter 3, step 2',
    'helpUri: https://example.com/guide',
  ];

  it('reads prose without a procedure as an empty procedure', () => {
    write('MRA-DNS-001', complete.join('\n'));
    expect(readProse('MRA-DNS-001', dir)).toEqual({
      rationale: 'Clients need it.',
      procedure: [],
      remediation: 'Add the record.',
      source: 'Chapter 3, step 2',
      helpUri: 'https://example.com/guide',
    });
  });

  it('refuses keys that are not prose, a missing key, and a helpUri that is not https', () => {
    const extra = write('MRA-DNS-002', [...complete, 'severity: error', 'needs: dns'].join('\n'));
    expect(() => readProse('MRA-DNS-002', dir)).toThrow(
      new CatalogError(
        `${extra}: unknown keys severity, needs (prose only: rationale, procedure, remediation, source, helpUri)`,
      ),
    );
    const missing = write('MRA-DNS-003', complete.filter((line) => !line.startsWith('source')).join('\n'));
    expect(() => readProse('MRA-DNS-003', dir)).toThrow(new CatalogError(`${missing}: source is missing`));
    const plain = write('MRA-DNS-004', [...complete.slice(0, 3), 'helpUri: http://example.com/guide'].join('\n'));
    expect(() => readProse('MRA-DNS-004', dir)).toThrow(new CatalogError(`${plain}: helpUri must be an https:// URL`));
  });

  it('throws a CatalogError by that name', () => {
    write('MRA-DNS-005', '');
    let thrown: unknown;
    try {
      readProse('MRA-DNS-005', dir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CatalogError);
    expect((thrown as Error).name).toBe('CatalogError');
    expect(String(thrown)).toBe(`CatalogError: ${join(dir, 'MRA-DNS-005.yaml')}: rationale is missing`);
  });
});

describe('names on the command line', () => {
  const entries = [
    { id: 'MRA-DNS-001', slug: 'uds-srv-present', area: 'dns' as const },
    { id: 'MRA-DNS-002', slug: 'uds-srv-not-external', area: 'dns' as const },
    { id: 'MRA-NTP-001', slug: 'ntp-reachable', area: 'ntp' as const },
  ];

  it('match after trimming blanks, in any case', () => {
    expect(matchRule(entries[0]!, '  DNS ')).toBe(true);
    expect(matchRule(entries[0]!, ' mra-dns-001\t')).toBe(true);
    expect(findRule(entries, ' UDS-SRV-NOT-EXTERNAL ')?.id).toBe('MRA-DNS-002');
    expect(findRule(entries, '\tmra-ntp-001 ')?.slug).toBe('ntp-reachable');
  });

  it('are every id, slug and area once, in catalog order', () => {
    expect(ruleNames(entries)).toEqual([
      'MRA-DNS-001',
      'uds-srv-present',
      'dns',
      'MRA-DNS-002',
      'uds-srv-not-external',
      'MRA-NTP-001',
      'ntp-reachable',
      'ntp',
    ]);
  });
});

describe('catalogProblems: prerequisite cycles', () => {
  // Regression: a cycle passed the load-time checks, and runScan then recursed until the stack ran out.
  it('names each cycle once, from the first rule on it', () => {
    const problems = catalogProblems(
      [
        rule('MRA-DNS-001', 'one', { requires: ['MRA-DNS-002'] }),
        rule('MRA-DNS-002', 'two', { requires: [{ rule: 'MRA-DNS-003' }] }),
        rule('MRA-DNS-003', 'three', { requires: ['MRA-DNS-001'] }),
        rule('MRA-DNS-004', 'four', { requires: ['MRA-DNS-004'] }),
        rule('MRA-DNS-005', 'five', { requires: ['MRA-DNS-001'] }),
        rule('MRA-DNS-006', 'six', { requires: ['MRA-DNS-005', 'MRA-DNS-007'] }),
        rule('MRA-DNS-007', 'seven'),
      ],
      ['MRA-DNS-001', 'MRA-DNS-002', 'MRA-DNS-003', 'MRA-DNS-004', 'MRA-DNS-005', 'MRA-DNS-006', 'MRA-DNS-007'],
    );
    expect(problems).toEqual([
      'MRA-DNS-001: prerequisites form a cycle (MRA-DNS-001 -> MRA-DNS-002 -> MRA-DNS-003 -> MRA-DNS-001)',
      'MRA-DNS-004: prerequisites form a cycle (MRA-DNS-004 -> MRA-DNS-004)',
    ]);
  });

  it('accepts a diamond: two rules sharing one prerequisite', () => {
    const problems = catalogProblems(
      [
        rule('MRA-DNS-001', 'base'),
        rule('MRA-DNS-002', 'left', { requires: ['MRA-DNS-001'] }),
        rule('MRA-DNS-003', 'right', { requires: ['MRA-DNS-001'] }),
        rule('MRA-DNS-004', 'top', { requires: ['MRA-DNS-002', 'MRA-DNS-003'] }),
      ],
      ['MRA-DNS-001', 'MRA-DNS-002', 'MRA-DNS-003', 'MRA-DNS-004'],
    );
    expect(problems).toEqual([]);
  });
});
