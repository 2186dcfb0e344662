import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSnapshotFile } from '../../src/cucm/snapshot-file.js';
import { MAX_INPUT_BYTES as MAX_FILE_BYTES } from '../../src/inventory/read-input.js';
import { InputError } from '../../src/inventory/problems.js';
import { CUCM_FIXTURES, readFixture, snapshotFixture } from '../checks/cucm/cucm-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mra-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
}

function problemsOf(file: string): string[] {
  try {
    loadSnapshotFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('loadSnapshotFile', () => {
  it('loads the compliant fixture and every fault fixture', () => {
    expect(loadSnapshotFile(snapshotFixture('compliant')).phones).toHaveLength(6);
    const faults = readdirSync(join(CUCM_FIXTURES, 'faults'));
    expect(faults.length).toBe(13);
    for (const fault of faults)
      expect(loadSnapshotFile(join(CUCM_FIXTURES, 'faults', fault)).version).toBe('15.0.1.11900(31)');
    expect(loadSnapshotFile(snapshotFixture('cucm-011-limit-25')).userProfiles[0]!.limitProvision).toBe(25);
  });

  it('refuses a file too large to hold as a string, without reading it', () => {
    const file = join(dir, 'huge.json');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, MAX_FILE_BYTES + 1_000_000);
    closeSync(fd);
    expect(problemsOf(file)).toEqual([`${file}: $: is 401 MB; files over 400 MB are not read`]);
  });

  it('names the file and the JSON path of each bad value', () => {
    const snapshot = readFixture('compliant') as unknown as Record<string, unknown> & {
      phones: Array<Record<string, unknown>>;
      regions: Array<{ relations: Array<Record<string, unknown>> }>;
    };
    delete snapshot.phones[3]!.securityProfile;
    snapshot.phones[4]!.colour = 'red';
    snapshot.regions[0]!.relations[1]!.videoKbps = '384';
    const file = write('bad.json', snapshot);
    expect(problemsOf(file)).toEqual(
      expect.arrayContaining([
        `${file}: $.phones[3].securityProfile: is required`,
        `${file}: $.phones[4].colour: unknown key (not in the schema; check the spelling)`,
        `${file}: $.regions[0].relations[1].videoKbps: must be integer`,
      ]),
    );
  });

  it('reports JSON syntax errors with line and column, a missing file, and duplicate names', () => {
    const broken = write('broken.json', '{\n  "version": "15.0",\n  "phones": [,]\n}');
    expect(problemsOf(broken)[0]).toMatch(/broken\.json: \$: not valid JSON: .*\(line 3, column \d+\)/);
    expect(problemsOf(join(dir, 'absent.json'))).toEqual([`${join(dir, 'absent.json')}: $: file not found`]);
    const snapshot = readFixture('compliant');
    snapshot.phones.push({ ...snapshot.phones[0]! });
    const dup = write('dup.json', snapshot);
    expect(problemsOf(dup)).toEqual([`${dup}: $.phones[6].name: duplicate name "CSFJDOE" (also at $.phones[0])`]);
  });

  it('caps the problem list of a file with thousands of bad phones', () => {
    const snapshot = readFixture('compliant');
    const phones = Array.from({ length: 5000 }, (_, i) => ({ name: `SEP${i}` }));
    const file = write('many.json', { ...snapshot, phones });
    const problems = problemsOf(file);
    expect(problems).toHaveLength(51);
    expect(problems[50]).toMatch(/more problems not shown/);
  });

  it('accepts the sections of SPEC 8.2 and 8.8: clusterSecurity, profile OAuth, unavailable, notCollected', () => {
    const snapshot = {
      ...readFixture('compliant'),
      clusterSecurity: { clusterSecurityMode: 'mixed', sipOAuthMode: 'disabled' },
      unavailable: { regions: 'AXL listRegion at https://cucm/axl/: HTTP 403 Forbidden' },
      notCollected: ['ils'],
    };
    snapshot.securityProfiles[0]!.enableOAuthAuthentication = true;
    const loaded = loadSnapshotFile(write('partial.json', snapshot));
    expect(loaded.clusterSecurity).toEqual({ clusterSecurityMode: 'mixed', sipOAuthMode: 'disabled' });
    expect(loaded.unavailable).toEqual(snapshot.unavailable);
    expect(loaded.notCollected).toEqual(['ils']);
    expect(loaded.securityProfiles[0]!.enableOAuthAuthentication).toBe(true);
  });

  it('a file written before clusterSecurity existed loads, with the section marked not collected', () => {
    const { clusterSecurity: _none, ...older } = readFixture('compliant');
    const loaded = loadSnapshotFile(write('older.json', older));
    expect(loaded.clusterSecurity).toEqual({});
    expect(loaded.notCollected).toEqual(['clusterSecurity']);
  });

  it('refuses an unknown section, a cluster security mode CUCM does not have, and an empty reason', () => {
    const file = write('bad-sections.json', {
      ...readFixture('compliant'),
      clusterSecurity: { clusterSecurityMode: 'secure' },
      unavailable: { gateways: 'HTTP 403', users: '' },
      notCollected: ['ils', 'ils'],
    });
    const problems = problemsOf(file);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\$\.clusterSecurity\.clusterSecurityMode: /),
        expect.stringMatching(/\$\.unavailable\.gateways: unknown key/),
        expect.stringMatching(/\$\.unavailable\.users: /),
        expect.stringMatching(/\$\.notCollected: /),
      ]),
    );
    for (const problem of problems) expect(problem.startsWith(`${file}: `)).toBe(true);
  });
});
