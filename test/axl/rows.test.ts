import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  child,
  children,
  escapeXml,
  openRows,
  parseSoapBody,
  scanRows,
  text,
  XmlShapeError,
} from '../../src/probes/axl/xml.js';

/**
 * The row scanner reads list and SQL pages without building the document. It must read exactly
 * what a full XML parser reads from the same page, for any value CUCM can hold, and refuse what
 * the full parser refuses.
 */
const FIELDS = ['name', 'product', 'devicePoolName'] as const;
const scan = {
  operation: 'listPhone',
  item: 'phone',
  fields: FIELDS,
  map: (values: ReadonlyArray<string | undefined>) => [...values],
};

function page(rows: string, operation = 'listPhone'): Buffer {
  return Buffer.from(
    `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
      `<ns:${operation}Response xmlns:ns="http://www.cisco.com/AXL/API/15.0"><return>${rows}</return></ns:${operation}Response>` +
      `</soapenv:Body></soapenv:Envelope>`,
  );
}

const row = (values: Array<string | undefined>, uuid = '{A}'): string =>
  `<phone uuid="${uuid}">${FIELDS.map((field, i) =>
    values[i] === undefined ? `<${field}/>` : `<${field}>${escapeXml(values[i]!)}</${field}>`,
  ).join('')}</phone>`;

/** The same rows, read by the full parser. */
function parsed(body: Buffer): unknown[] {
  const rows = children(child(child(parseSoapBody(body.toString('utf8')), 'listPhoneResponse'), 'return'), 'phone');
  return rows.map((node) => FIELDS.map((field) => text(node, field)));
}

describe('openRows / scanRows', () => {
  it('reads the named fields of each row, skipping attributes, empty and unknown elements', () => {
    const body = page(
      `<phone uuid="{1}"><name>SEP001</name><model>Cisco 8845</model><product>Cisco 8845</product>` +
        `<devicePoolName uuid="{DP}">MRA_DP</devicePoolName></phone>` +
        `<phone uuid="{2}"><name>CSFJDOE</name><product/><lines><line><name>not the phone</name></line></lines></phone>` +
        `<phone/>`,
    );
    const opened = openRows(body, scan);
    expect(opened.count).toBe(3);
    expect(scanRows(body, scan)).toEqual([
      ['SEP001', 'Cisco 8845', 'MRA_DP'],
      ['CSFJDOE', undefined, undefined],
      [undefined, undefined, undefined],
    ]);
  });

  it('decodes entities and UTF-8 as the full parser does', () => {
    const values = ['Ärzte & Co <Zürich>', '"Quote" \'apos\'', '東京 Tokyo 🚀'];
    const body = page(row(values) + row(values.slice().reverse()));
    expect(scanRows(body, scan)).toEqual(parsed(body));
    expect(scanRows(body, scan)[0]).toEqual(values);
  });

  it('returns no rows for an empty list, in batches for a long one', () => {
    expect(scanRows(page(''), scan)).toEqual([]);
    expect(openRows(Buffer.from(page('').toString().replace('<return></return>', '<return/>')), scan).count).toBe(0);
    const body = page(Array.from({ length: 250 }, (_, i) => row([`SEP${i}`, 'Cisco 7841', `DP${i % 3}`])).join(''));
    const out: Array<Array<string | undefined>> = [];
    let pauses = 0;
    for (const _ of openRows(body, scan).readInto(out, 100)) pauses++;
    expect(out).toHaveLength(250);
    expect(pauses).toBe(2);
    expect(out[249]).toEqual(['SEP249', 'Cisco 7841', 'DP0']);
  });

  it('keeps values apart past the table of repeated values (more than 64 distinct, same shape)', () => {
    const rows = Array.from({ length: 500 }, (_, i) => [
      `SEP${String(i).padStart(12, '0')}`,
      `Cisco ${7800 + (i % 97)}`,
      `DP_${i % 80}`,
    ]);
    const body = page(rows.map((values) => row(values)).join(''));
    expect(scanRows(body, scan)).toEqual(rows);
  });

  it('refuses a truncated page, a DOCTYPE, a page of another operation and a closing tag out of place', () => {
    const full = page(row(['SEP1', 'x', 'y'])).toString();
    const refuse = (body: string, reason: RegExp): void => {
      expect(() => scanRows(Buffer.from(body), scan)).toThrow(XmlShapeError);
      expect(() => scanRows(Buffer.from(body), scan)).toThrow(reason);
    };
    refuse(full.slice(0, full.length - 40), /not a complete SOAP envelope/);
    refuse('', /empty/);
    refuse(`<!DOCTYPE x [<!ENTITY a "b">]>${full}`, /DOCTYPE/);
    refuse(page(row(['SEP1', 'x', 'y']), 'listUser').toString(), /no listPhoneResponse/);
    refuse(full.replace('</phone>', '</phone></name>'), /closing tag/);
    refuse(full.replace('</phone>', ''), /not closed|closing tag/);
  });

  it('reads any value as XML defines it: trimmed of XML white space, line breaks as LF (property)', () => {
    // Characters XML 1.0 allows in text; CUCM names are never anything else.
    const xmlText = fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) =>
      [...value]
        .filter((char) => {
          const code = char.codePointAt(0)!;
          return (
            code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code !== 0xfffe && code !== 0xffff)
          );
        })
        .join(''),
    );
    const value = fc.option(fc.oneof(xmlText, fc.constantFrom(' a\r\nb ', '\t', 'x&amp;y', '\u00a0nbsp\u00a0')), {
      nil: undefined,
    });
    const expected = (raw: string | undefined): string | undefined => {
      if (raw === undefined) return undefined;
      const read = raw.replace(/\r\n?/g, '\n').replace(/^[ \t\n]+|[ \t\n]+$/g, '');
      return read === '' ? undefined : read;
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value, value), { maxLength: 30 }), (rows) => {
        const body = page(rows.map((values) => row(values)).join(''));
        expect(scanRows(body, scan)).toEqual(rows.map((values) => values.map(expected)));
        expect(openRows(body, scan).count).toBe(rows.length);
      }),
      { numRuns: 300 },
    );
  });
});
