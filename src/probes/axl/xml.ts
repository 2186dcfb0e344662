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
  /** Builds the row from the fields' text (trimmed, entities decoded; undefined when absent or empty). */
  map: (values: Array<string | undefined>) => T;
}

const GT = 0x3e;
const SLASH = 0x2f;

/**
 * Reads the rows of one AXL page without building the document: a 100,000-phone cluster comes in
 * pages of megabytes, and a tree of every element (uuid attributes, wrapper objects) costs more
 * than the request itself. Only the named leaf children of each row become strings; the page text
 * can be dropped as soon as this returns. Refuses what {@link parseSoapBody} refuses (DOCTYPE,
 * truncated envelope) and a page without the `<operation>Response` element; the caller then parses
 * the body in full to report a fault or a malformed answer.
 */
export function scanRows<T>(text: string, scan: RowScan<T>): T[] {
  if (/<!DOCTYPE/i.test(text.slice(0, 4096)) || (text.length > 4096 && /<!DOCTYPE/i.test(text)))
    throw new XmlShapeError('the body has a DOCTYPE, which SOAP forbids; refused without expanding it');
  const tail = text.slice(-256).trimEnd();
  if (!/<\/([A-Za-z_][\w.-]*:)?Envelope>$/.test(tail))
    throw new XmlShapeError(
      text.trim().length === 0 ? 'the body is empty' : 'the body is not a complete SOAP envelope',
    );
  const response = new RegExp(`<([A-Za-z_][\\w.-]*:)?${scan.operation}Response[\\s>]`).exec(text);
  if (!response) throw new XmlShapeError(`the SOAP body holds no ${scan.operation}Response element`);
  const open = text.indexOf('<return', response.index);
  if (open < 0) throw new XmlShapeError(`${scan.operation}Response has no return element`);
  const openEnd = text.indexOf('>', open);
  if (openEnd < 0) throw new XmlShapeError('the body is not well-formed XML (unterminated tag)');
  if (text.charCodeAt(openEnd - 1) === SLASH) return [];
  const close = text.lastIndexOf('</return>');
  if (close < openEnd) throw new XmlShapeError(`${scan.operation}Response has no closing return element`);

  const index = new Map(scan.fields.map((field, i) => [field, i]));
  const rows: T[] = [];
  let pos = openEnd + 1;
  for (;;) {
    const start = text.indexOf('<', pos);
    if (start < 0 || start >= close) break;
    const tag = readTag(text, start, close);
    if (tag.closing) throw new XmlShapeError(`unexpected </${tag.name}> in ${scan.operation}Response`);
    if (localName(tag.name) !== scan.item) {
      pos = tag.selfClosing ? tag.end : skipElement(text, tag.name, tag.end, close);
      continue;
    }
    const values: Array<string | undefined> = new Array(scan.fields.length).fill(undefined);
    pos = tag.end;
    if (!tag.selfClosing) pos = readRow(text, tag.name, pos, close, index, values);
    rows.push(scan.map(values));
  }
  return rows;
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
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === GT || c === SLASH || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) break;
    i++;
  }
  const name = text.slice(nameStart, i);
  if (name.length === 0 || name.startsWith('!') || name.startsWith('?'))
    throw new XmlShapeError(
      `unexpected markup at offset ${start} (comments, CDATA and processing instructions are not AXL rows)`,
    );
  const gt = text.indexOf('>', i);
  if (gt < 0 || gt >= limit) throw new XmlShapeError('the body is not well-formed XML (unterminated tag)');
  return { name, closing, selfClosing: text.charCodeAt(gt - 1) === SLASH, end: gt + 1 };
}

const localName = (name: string): string => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

/** Offset past `</name>` for an element whose start tag ended at `from` (same-name nesting is not AXL). */
function skipElement(text: string, name: string, from: number, limit: number): number {
  const end = text.indexOf(`</${name}`, from);
  if (end < 0 || end >= limit) throw new XmlShapeError(`the body is not well-formed XML (<${name}> is not closed)`);
  const gt = text.indexOf('>', end);
  if (gt < 0 || gt > limit) throw new XmlShapeError(`the body is not well-formed XML (<${name}> is not closed)`);
  return gt + 1;
}

/** Whether `</name>` (or `</name >`) starts at `at`. */
function closesLeaf(text: string, at: number, name: string): boolean {
  if (text.charCodeAt(at + 1) !== SLASH || !text.startsWith(name, at + 2)) return false;
  const after = text.charCodeAt(at + 2 + name.length);
  return after === GT || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d;
}

/** Reads the children of one row into `values`; returns the offset past the row's closing tag. */
function readRow(
  text: string,
  item: string,
  from: number,
  limit: number,
  index: ReadonlyMap<string, number>,
  values: Array<string | undefined>,
): number {
  let pos = from;
  for (;;) {
    const start = text.indexOf('<', pos);
    if (start < 0 || start >= limit)
      throw new XmlShapeError(`the body is not well-formed XML (<${item}> is not closed)`);
    const tag = readTag(text, start, limit);
    if (tag.closing) {
      if (tag.name !== item)
        throw new XmlShapeError(`the body is not well-formed XML (</${tag.name}> closes <${item}>)`);
      return tag.end;
    }
    const slot = index.get(localName(tag.name));
    if (tag.selfClosing) {
      pos = tag.end;
      continue;
    }
    const next = text.indexOf('<', tag.end);
    if (next < 0 || next >= limit)
      throw new XmlShapeError(`the body is not well-formed XML (<${tag.name}> is not closed)`);
    if (closesLeaf(text, next, tag.name)) {
      // A leaf, as every field of a list type is: its text runs to the closing tag.
      if (slot !== undefined) {
        const value = text.slice(tag.end, next).trim();
        values[slot] = value === '' ? undefined : decodeXmlText(value);
      }
      const gt = text.indexOf('>', next);
      if (gt < 0 || gt >= limit)
        throw new XmlShapeError(`the body is not well-formed XML (<${tag.name}> is not closed)`);
      pos = gt + 1;
      continue;
    }
    // Not a leaf (a wrapper the collector did not ask for): skipped, never read as a value.
    pos = skipElement(text, tag.name, tag.end, limit);
  }
}
