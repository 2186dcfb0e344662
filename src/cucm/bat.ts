import { parse } from 'csv-parse/sync';
import { InputError, type Problem } from '../inventory/problems.js';
import { readInputText } from '../inventory/read-input.js';
import { emptySnapshot, SNAPSHOT_SECTIONS, type CucmSnapshot, type Phone, type SnapshotSection } from './snapshot.js';

/**
 * BAT "All Details" phone export (Cisco Unified CM Administration > Bulk Administration > Phones >
 * Export Phones > All Details). Its header row names ~200 columns, e.g. `Device Name,Description,
 * Device Pool,...,Device Type,User ID 1,Common Phone Profile,Owner User ID,...,Device Security
 * Profile,...,Device Protocol,...`; exports seen in the field also write them in capitals. Only the
 * columns below are read; booleans are written `t`/`f`.
 */
const COLUMNS = {
  name: ['device name'],
  model: ['device type', 'product', 'model', 'phone type'],
  protocol: ['device protocol', 'protocol'],
  devicePool: ['device pool'],
  securityProfile: ['device security profile', 'security profile'],
  commonPhoneProfile: ['common phone profile'],
  owner: ['owner user id', 'owner'],
  enableExtensionMobility: ['extension mobility'],
} as const satisfies Record<string, readonly string[]>;

type Field = keyof typeof COLUMNS;

const REQUIRED: readonly Field[] = ['name', 'model', 'devicePool', 'securityProfile'];
const NOT_EMPTY: readonly Field[] = ['name', 'model', 'devicePool'];
const MAX_PROBLEMS = 50;
/** Header cells are matched case-insensitively, ignoring surrounding and doubled spaces. */
const headerKey = (cell: string): string => cell.trim().replace(/\s+/g, ' ').toLowerCase();

/** BAT writes t/f; spreadsheets re-saved by people give true/false. Empty means "not set". */
export function parseBatBoolean(value: string): boolean | undefined | 'invalid' {
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  if (v === 't' || v === 'true') return true;
  if (v === 'f' || v === 'false') return false;
  return 'invalid';
}

/** Reads the phones of a BAT "All Details" export; bad rows name the file, line, row and column. */
export function importBatPhones(file: string): Phone[] {
  const text = readInputText(file);
  return parseBatPhones(text, file);
}

export function parseBatPhones(text: string, file: string): Phone[] {
  const problems: Problem[] = [];
  const phones: Phone[] = [];
  const seen = new Map<string, number>();
  let header: string[] | undefined;
  let dataRows = 0;
  let index: Partial<Record<Field, number>> = {};
  const report = (line: number, row: number, column: string | undefined, message: string): void => {
    problems.push({
      file,
      path: `line ${line} (row ${row})${column ? `, column ${JSON.stringify(column)}` : ''}`,
      message,
    });
  };

  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Rows are turned into small Phone objects as they are read, so a 100,000-phone export with
      // ~200 columns per row never holds all of its cells at once.
      on_record: (record: string[], context) => {
        const line = context.lines;
        if (!header) {
          header = record;
          index = mapHeader(record, file, problems);
          return null;
        }
        const row = ++dataRows;
        if (record.length < header.length) {
          report(line, row, undefined, `has ${record.length} columns, the header has ${header.length}`);
          return null;
        }
        const cell = (field: Field): string | undefined => {
          const at = index[field];
          return at === undefined ? undefined : (record[at] ?? '').trim();
        };
        const columnName = (field: Field): string => header![index[field]!]!;
        let bad = false;
        // NOT_EMPTY columns are REQUIRED ones: mapHeader has refused a header without them.
        for (const field of NOT_EMPTY) {
          if (cell(field) === '') {
            report(line, row, columnName(field), 'is empty');
            bad = true;
          }
        }
        const extensionMobility = cell('enableExtensionMobility');
        const em = extensionMobility === undefined ? undefined : parseBatBoolean(extensionMobility);
        if (em === 'invalid') {
          report(
            line,
            row,
            columnName('enableExtensionMobility'),
            `must be t, f, true or false (got ${JSON.stringify(extensionMobility)})`,
          );
          bad = true;
        }
        if (bad) return null;
        const name = cell('name')!;
        const earlier = seen.get(name.toUpperCase());
        if (earlier !== undefined) {
          report(
            line,
            row,
            columnName('name'),
            `duplicate device name ${JSON.stringify(name)} (also on line ${earlier})`,
          );
          return null;
        }
        seen.set(name.toUpperCase(), line);
        const phone: Phone = {
          name,
          model: cell('model')!,
          protocol: cell('protocol') ?? '',
          devicePool: cell('devicePool')!,
          securityProfile: cell('securityProfile')!,
        };
        const commonPhoneProfile = cell('commonPhoneProfile');
        if (commonPhoneProfile) phone.commonPhoneProfile = commonPhoneProfile;
        const owner = cell('owner');
        if (owner) phone.owner = owner;
        if (typeof em === 'boolean') phone.enableExtensionMobility = em;
        phones.push(phone);
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof HeaderError)) {
      const lines = (error as { lines?: number }).lines;
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      problems.push({ file, path: lines ? `line ${lines}` : '$', message: `not a valid CSV file: ${message}` });
    }
  }
  if (!header && problems.length === 0)
    problems.push({
      file,
      path: 'line 1',
      message: 'is empty: a BAT phone export starts with a header row (Device Name, Device Pool, ...)',
    });
  if (problems.length > 0) {
    throw new InputError(
      problems.length > MAX_PROBLEMS
        ? [
            ...problems.slice(0, MAX_PROBLEMS),
            { file, path: '$', message: `${problems.length - MAX_PROBLEMS} more problems not shown` },
          ]
        : problems,
    );
  }
  return phones;
}

function mapHeader(header: readonly string[], file: string, problems: Problem[]): Partial<Record<Field, number>> {
  const keys = header.map(headerKey);
  const index: Partial<Record<Field, number>> = {};
  for (const [field, names] of Object.entries(COLUMNS) as Array<[Field, readonly string[]]>) {
    for (const name of names) {
      const at = keys.indexOf(name);
      if (at >= 0) {
        index[field] = at;
        break;
      }
    }
  }
  const missing = REQUIRED.filter((field) => index[field] === undefined);
  if (missing.length > 0) {
    problems.push({
      file,
      path: 'line 1 (header)',
      message: `has no ${missing.map((field) => JSON.stringify(COLUMNS[field][0].toUpperCase())).join(', ')} column; is this a BAT "All Details" phone export?`,
    });
    // Without the header's key columns no row can be read; stop at the header problem.
    throw new HeaderError();
  }
  return index;
}

class HeaderError extends Error {}

const OTHER_SECTIONS: readonly SnapshotSection[] = SNAPSHOT_SECTIONS.filter((section) => section !== 'phones');

/**
 * The phones of a BAT export put into a snapshot: the export is the phone list (phone-level ICE,
 * which BAT does not export, is kept from the snapshot's phone of the same name). Without a
 * snapshot, every other section is marked absent so the rules that need it are skipped, not judged
 * on empty lists.
 */
export function mergeBatPhones(snapshot: CucmSnapshot | undefined, phones: Phone[]): CucmSnapshot {
  if (!snapshot) {
    return emptySnapshot({ source: 'bat', phones, absentSections: [...OTHER_SECTIONS] });
  }
  const ice = new Map(
    snapshot.phones.flatMap((phone) => (phone.ice ? [[phone.name.toUpperCase(), phone.ice] as const] : [])),
  );
  return {
    ...snapshot,
    phones: phones.map((phone) => {
      const kept = ice.get(phone.name.toUpperCase());
      return kept && !phone.ice ? { ...phone, ice: kept } : phone;
    }),
    ...(snapshot.absentSections
      ? { absentSections: snapshot.absentSections.filter((section) => section !== 'phones') }
      : {}),
  };
}
