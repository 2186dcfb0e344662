/**
 * Escaping for every markup format the reports write. Whatever came from the network or a file
 * (SRV targets, certificate subjects, banners, evidence) passes through one of these.
 */

/**
 * C0 controls (but tab, line feed, carriage return) are parse errors in HTML and NUL is dropped by
 * the parser; a banner or certificate field from a hostile peer may hold them, so they go.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HTML_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Escapes for HTML (and SVG inside HTML) text and double- or single-quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(HTML_CONTROLS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * XML 1.0 cannot carry most C0 controls, lone surrogates or U+FFFE/U+FFFF even as character
 * references, and a banner or certificate field from a hostile peer may hold them: strip them.
 */
const INVALID_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(value: unknown): string {
  return String(value).replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also keep their quotes and line breaks (a parser would fold raw ones to spaces). */
export function xmlAttr(value: unknown): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
