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
