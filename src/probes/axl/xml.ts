import { XMLParser } from 'fast-xml-parser';

/** SOAP 1.1 envelope namespace (AXL speaks SOAP 1.1). */
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** The AXL schema namespace of one version, e.g. http://www.cisco.com/AXL/API/15.0. */
export function axlNamespace(version: string): string {
  return `http://www.cisco.com/AXL/API/${version}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and character references. Nothing else is expanded:
 * entity expansion stays off in the parser, and a DOCTYPE is refused before parsing.
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return safeCodePoint(Number.parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return safeCodePoint(Number.parseInt(ref.slice(1), 10)) ?? whole;
    return NAMED[ref] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** One element of the AXL tree as fast-xml-parser gives it: text, or child elements by name. */
export type XmlNode = string | { [name: string]: XmlValue };
export type XmlValue = XmlNode | XmlNode[];

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  tagValueProcessor: (_name: string, value: string) => decodeXmlText(value),
});

export class XmlShapeError extends Error {
  override name = 'XmlShapeError';
}

/**
 * Parses a SOAP envelope and returns its Body. Refuses what a SOAP peer must never send (SOAP 1.1
 * forbids a DTD, so a billion-laughs body stops here) and what is cut short (a page truncated
 * mid-way must not pass for the last page of a list).
 */
export function parseSoapBody(text: string): Record<string, XmlValue> {
  if (/<!DOCTYPE/i.test(text))
    throw new XmlShapeError('the body has a DOCTYPE, which SOAP forbids; refused without expanding it');
  if (!/<\/([A-Za-z_][\w.-]*:)?Envelope>\s*$/.test(text)) {
    throw new XmlShapeError(
      text.trim().length === 0 ? 'the body is empty' : 'the body is not a complete SOAP envelope',
    );
  }
  let tree: unknown;
  try {
    tree = parser.parse(text);
  } catch (error) {
    throw new XmlShapeError(`the body is not well-formed XML (${(error as Error).message.split('\n')[0]})`);
  }
  const envelope = child(tree as XmlNode, 'Envelope');
  const body = envelope === undefined ? undefined : child(envelope, 'Body');
  if (body === undefined || typeof body === 'string')
    throw new XmlShapeError('the body is not a SOAP envelope with a Body');
  return body;
}

/** The single child element `name` (the first when repeated). */
export function child(node: XmlValue | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const value = node[name];
  return Array.isArray(value) ? value[0] : value;
}

/** All child elements `name` (AXL repeats an element for each row). */
export function children(node: XmlValue | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Text of child `name`; undefined when absent or empty (AXL sends `<x/>` for "not set"). */
export function text(node: XmlValue | undefined, name: string): string | undefined {
  const value = child(node, name);
  if (typeof value === 'string') return value === '' ? undefined : value;
  return undefined;
}

/** What a list page (or an executeSQLQuery page) is made of, for {@link scanRows}. */
export interface RowScan<T> {
  /** `listPhone`: the rows sit in `<listPhoneResponse><return>`. */
  operation: string;
  /** The element of one row: `phone`, `row`. */
  item: string;
  /** The leaf elements to read from each row; any other child is skipped unread. */
  fields: readonly string[];
  /**
   * Builds the row from the fields' text (trimmed, entities decoded; undefined when absent or
   * empty). The array is reused for the next row: keep its values, not the array.
   */
  map: (values: ReadonlyArray<string | undefined>) => T;
}

const GT = 0x3e;
const SLASH = 0x2f;
/** A field whose values repeat (model, pool, profile) is decoded once per value; past this many, each time. */
const REPEATED_VALUES = 64;

/**
 * Buffer#utf8Slice is what Buffer#toString('utf8', start, end) calls after checking its
 * arguments; a page decodes hundreds of thousands of short values, so the checks are skipped
 * where the method exists (every Node release so far), with toString as the fallback.
 */
const utf8Slice = (Buffer.prototype as Buffer & { utf8Slice?: (start: number, end: number) => string }).utf8Slice;
const utf8 = (body: Buffer, start: number, end: number): string =>
  utf8Slice ? utf8Slice.call(body, start, end) : body.toString('utf8', start, end);

const isNameEnd = (code: number): boolean =>
  code === GT || code === SLASH || code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
const isSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/**
 * Reads the rows of one AXL page without building the document: a 100,000-phone cluster comes in
 * pages of megabytes, and a tree of every element (uuid attributes, wrapper objects) costs more
 * than the request itself. The page is scanned as latin1 text (one character per byte, so the
 * ASCII markup sits where it sits in the bytes), and only the named leaf children of each row are
 * decoded, as UTF-8, from the bytes: the strings kept are copies, so nothing holds on to the page
 * once this returns. Refuses what {@link parseSoapBody} refuses (a DOCTYPE, a truncated envelope)
 * and a page without the `<operation>Response` element; the caller then parses the body in full
 * to report the AXL fault or the malformed answer it is.
 */
export function scanRows<T>(body: Buffer, scan: RowScan<T>): T[] {
  const rows: T[] = [];
  for (const _ of openRows(body, scan).readInto(rows, Number.POSITIVE_INFINITY));
  return rows;
}

/** One page opened for reading: how many rows it holds (found without reading them), then the rows. */
export interface RowPage<T> {
  count: number;
  /**
   * Appends the rows to `out`, pausing (yielding) after every `size` rows so that a caller can
   * give the event loop a turn: a page of 10,000 rows takes tens of milliseconds to read, and
   * meanwhile the other answer in flight arrives and the next request waits to be sent.
   */
  readInto(out: T[], size: number): Generator<void, void, undefined>;
}

/**
 * Checks a page's envelope and counts its rows (the `<item` start tags inside `<return>`), which
 * is all paging needs to ask for the next page; reading the rows can come after.
 */
export function openRows<T>(body: Buffer, scan: RowScan<T>): RowPage<T> {
  const text = body.toString('latin1');
  const tail = text.slice(-256).trimEnd();
  if (!/<\/([A-Za-z_][\w.-]*:)?Envelope>$/.test(tail))
    throw new XmlShapeError(
      text.trim().length === 0 ? 'the body is empty' : 'the body is not a complete SOAP envelope',
    );
  const response = new RegExp(`<([A-Za-z_][\\w.-]*:)?${scan.operation}Response[\\s>]`).exec(text);
  if (!response) throw new XmlShapeError(`the SOAP body holds no ${scan.operation}Response element`);
  // A DOCTYPE can only come before the root element, so the prolog is all there is to look at.
  if (/<!DOCTYPE/i.test(text.slice(0, response.index)))
    throw new XmlShapeError('the body has a DOCTYPE, which SOAP forbids; refused without expanding it');
  const open = text.indexOf('<return', response.index);
  if (open < 0) throw new XmlShapeError(`${scan.operation}Response has no return element`);
  const openEnd = text.indexOf('>', open);
  if (openEnd < 0) throw new XmlShapeError('the body is not well-formed XML (unterminated tag)');
  if (text.charCodeAt(openEnd - 1) === SLASH) return { count: 0, *readInto() {} };
  const close = text.lastIndexOf('</return>');
  if (close < openEnd) throw new XmlShapeError(`${scan.operation}Response has no closing return element`);
  const startTag = `<${scan.item}`;
  let count = 0;
  for (let at = text.indexOf(startTag, openEnd); at >= 0 && at < close; at = text.indexOf(startTag, at + 1))
    if (isNameEnd(text.charCodeAt(at + startTag.length))) count++;
  return { count, readInto: (out, size) => readRows(text, body, scan, openEnd, close, out, size) };
}

function* readRows<T>(
  text: string,
  body: Buffer,
  scan: RowScan<T>,
  openEnd: number,
  close: number,
  rows: T[],
  size: number,
): Generator<void, void, undefined> {
  const { fields, item } = scan;
  const width = fields.length;
  const decoder = new FieldDecoder(text, body, width);
  const decode = (slot: number, start: number, end: number): string | undefined => decoder.decode(slot, start, end);

  // One array for every row: `map` copies what it keeps.
  const values: Array<string | undefined> = new Array<string | undefined>(width).fill(undefined);
  let sinceYield = 0;
  let pos = openEnd + 1;
  let hint = 0;
  for (;;) {
    const start = text.indexOf('<', pos);
    if (start < 0 || start >= close) break;
    if (text.charCodeAt(start + 1) === SLASH)
      throw new XmlShapeError(`unexpected closing tag in ${scan.operation}Response`);
    if (!text.startsWith(item, start + 1) || !isNameEnd(text.charCodeAt(start + 1 + item.length))) {
      const tag = readTag(text, start, close);
      pos = tag.selfClosing ? tag.end : skipElement(text, tag.name, tag.end, close);
      continue;
    }
    const tagEnd = text.indexOf('>', start);
    if (tagEnd < 0 || tagEnd >= close) throw new XmlShapeError('the body is not well-formed XML (unterminated tag)');
    values.fill(undefined);
    if (text.charCodeAt(tagEnd - 1) === SLASH) {
      pos = tagEnd + 1;
    } else {
      let at = tagEnd + 1;
      for (;;) {
        const lt = text.indexOf('<', at);
        if (lt < 0 || lt >= close) throw new XmlShapeError(`the body is not well-formed XML (<${item}> is not closed)`);
        if (text.charCodeAt(lt + 1) === SLASH) {
          if (!closesLeaf(text, lt, item))
            throw new XmlShapeError(`the body is not well-formed XML (a closing tag inside <${item}>)`);
          pos = lt + 3 + item.length;
          break;
        }
        // The fields come in the schema's order, so the one after the last is tried first.
        let slot = -1;
        for (let tried = 0; tried < width; tried++) {
          const candidate = hint + tried < width ? hint + tried : hint + tried - width;
          const field = fields[candidate]!;
          if (text.startsWith(field, lt + 1) && isNameEnd(text.charCodeAt(lt + 1 + field.length))) {
            slot = candidate;
            break;
          }
        }
        if (slot < 0) {
          const tag = readTag(text, lt, close);
          at = tag.selfClosing ? tag.end : skipElement(text, tag.name, tag.end, close);
          continue;
        }
        hint = slot + 1 < width ? slot + 1 : 0;
        const field = fields[slot]!;
        // `<name>` as AXL writes it; `<name attr="...">` or `<name/>` otherwise.
        let gt = lt + 1 + field.length;
        if (text.charCodeAt(gt) !== GT) {
          gt = text.indexOf('>', gt);
          if (gt < 0 || gt >= close)
            throw new XmlShapeError(`the body is not well-formed XML (<${field}> is not closed)`);
          if (text.charCodeAt(gt - 1) === SLASH) {
            at = gt + 1;
            continue;
          }
        }
        const next = text.indexOf('<', gt + 1);
        if (next < 0 || next >= close || !closesLeaf(text, next, field)) {
          // Not a leaf (a wrapper the collector did not ask for): skipped, never read as a value.
          at = skipElement(text, field, gt + 1, close);
          continue;
        }
        values[slot] = decode(slot, gt + 1, next);
        at = next + 3 + field.length;
      }
    }
    rows.push(scan.map(values));
    if (++sinceYield >= size) {
      sinceYield = 0;
      yield;
    }
  }
}

/**
 * Decodes the text of one field of a row from the page. Per field it keeps the last value and its
 * raw text (sorted lists repeat it row after row), and a small table of the values seen so far,
 * looked up by a hash of the raw characters so that looking up allocates nothing; a field with
 * more than REPEATED_VALUES distinct values (a name) is decoded every time instead.
 */
class FieldDecoder {
  private readonly lastRaw: string[];
  private readonly lastValue: Array<string | undefined>;
  private readonly seen: Array<Array<{ raw: string; value: string } | undefined> | undefined>;
  private readonly distinct: number[];

  constructor(
    private readonly text: string,
    private readonly body: Buffer,
    width: number,
  ) {
    this.lastRaw = new Array<string>(width).fill('');
    this.lastValue = new Array<string | undefined>(width).fill(undefined);
    this.seen = Array.from({ length: width }, () =>
      new Array<{ raw: string; value: string } | undefined>(REPEATED_VALUES * 2).fill(undefined),
    );
    this.distinct = new Array<number>(width).fill(0);
  }

  /** The value of field `slot` between `start` and `end` (trimmed; undefined when empty). */
  decode(slot: number, start: number, end: number): string | undefined {
    const text = this.text;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (start === end) return undefined;
    const length = end - start;
    const previous = this.lastRaw[slot]!;
    if (previous.length === length && text.startsWith(previous, start)) return this.lastValue[slot];
    const table = this.seen[slot];
    let index = 0;
    if (table) {
      // Length and three characters tell most names apart; startsWith settles the rest.
      const hash =
        (Math.imul(length, 0x9e3779b1) ^
          Math.imul(text.charCodeAt(start), 31 * 31 * 31) ^
          Math.imul(text.charCodeAt((start + end) >> 1), 31 * 31) ^
          Math.imul(text.charCodeAt(end - 1), 31)) >>>
        0;
      index = hash & (table.length - 1);
      for (let entry = table[index]; entry; entry = table[index]) {
        if (entry.raw.length === length && text.startsWith(entry.raw, start)) {
          this.lastRaw[slot] = entry.raw;
          this.lastValue[slot] = entry.value;
          return entry.value;
        }
        index = (index + 1) & (table.length - 1);
      }
    }
    const decoded = utf8(this.body, start, end);
    // XML 1.0 section 2.11: a parser passes on every line break as a single LF.
    const lines = decoded.includes('\r') ? decoded.replace(/\r\n?/g, '\n') : decoded;
    const value = lines.includes('&') ? decodeXmlText(lines) : lines;
    if (table) {
      // An ASCII value without entities is its own raw text; only others keep a slice of the page.
      const raw = decoded.length === length && value === decoded ? value : text.slice(start, end);
      if (++this.distinct[slot]! > REPEATED_VALUES) this.seen[slot] = undefined;
      else table[index] = { raw, value };
      this.lastRaw[slot] = raw;
      this.lastValue[slot] = value;
    }
    return value;
  }
}

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** Offset just past the tag's `>`. */
  end: number;
}

function readTag(text: string, start: number, limit: number): Tag {
  let i = start + 1;
  const closing = text.charCodeAt(i) === SLASH;
  if (closing) i++;
  const nameStart = i;
  while (i < limit && !isNameEnd(text.charCodeAt(i))) i++;
  const name = text.slice(nameStart, i);
  if (name.length === 0 || name.startsWith('!') || name.startsWith('?'))
    throw new XmlShapeError(
      `unexpected markup at offset ${start} (comments, CDATA and processing instructions are not AXL rows)`,
    );
  const gt = text.indexOf('>', i);
  if (gt < 0 || gt >= limit) throw new XmlShapeError('the body is not well-formed XML (unterminated tag)');
  return { name, closing, selfClosing: text.charCodeAt(gt - 1) === SLASH, end: gt + 1 };
}

/** Offset past `</name>` for an element whose start tag ended at `from` (same-name nesting is not AXL). */
function skipElement(text: string, name: string, from: number, limit: number): number {
  const end = text.indexOf(`</${name}`, from);
  if (end < 0 || end >= limit) throw new XmlShapeError(`the body is not well-formed XML (<${name}> is not closed)`);
  const gt = text.indexOf('>', end);
  if (gt < 0 || gt > limit) throw new XmlShapeError(`the body is not well-formed XML (<${name}> is not closed)`);
  return gt + 1;
}

/** Whether `</name>` starts at `at` (no space before `>`, as AXL and the serializers write it). */
function closesLeaf(text: string, at: number, name: string): boolean {
  return (
    text.charCodeAt(at + 1) === SLASH && text.startsWith(name, at + 2) && text.charCodeAt(at + 2 + name.length) === GT
  );
}
