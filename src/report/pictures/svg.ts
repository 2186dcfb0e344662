import type { Finding } from '../../engine/types.js';
import { escapeHtml } from '../escape.js';

/**
 * What the three report pictures share. Each is inline SVG in the HTML page: no external request,
 * colours from classes (report.css) so dark mode and print follow the page, shapes and glyphs that
 * read without colour, a <title> on every drawn group, and the same facts as a table beside it.
 * Every string drawn comes from a finding (network or file data) and goes through escapeHtml.
 */

/** Text shortened to `max` characters with an ellipsis; the full text is in the element's <title>. */
export function fit(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** An escaped <title> element: the text alternative of one drawn group. */
export const title = (text: string): string => `<title>${escapeHtml(text)}</title>`;

/** The permalink id of a finding (see html.ts): ids from the fingerprint, stable across runs. */
export const findingAnchor = (finding: Finding): string => `f-${finding.fingerprint}`;

/** The CN of a distinguished name, for a label ("CN=Lab Root CA, O=Lab" -> "Lab Root CA"). */
export function commonName(dn: string): string {
  const match = /(?:^|,\s*)CN=((?:\\,|[^,])+)/.exec(dn);
  return match ? match[1]!.replace(/\\,/g, ',').trim() : dn;
}

export interface PictureParts {
  /** Element id prefix, unique in the page. */
  id: string;
  heading: string;
  /** One paragraph under the heading: what is drawn and from which rules. */
  caption: string;
  /** The SVG element (already escaped), or undefined when the report has nothing to draw. */
  svg: string | undefined;
  /** The same facts as an HTML table (already escaped). */
  table: string;
  /** Shown instead of a picture when there is nothing to draw. */
  empty: string;
  /** SVG width in px: the figure scrolls sideways inside itself on narrow screens rather than shrink text. */
  width?: number;
}

/** One picture as a <figure>: heading, caption, SVG (or why there is none) and its table. */
export function figure(parts: PictureParts): string {
  const heading = `<h3 id="${parts.id}-heading">${escapeHtml(parts.heading)}</h3>`;
  if (!parts.svg)
    return `<figure class="picture" id="${parts.id}">${heading}<p class="empty">${escapeHtml(parts.empty)}</p></figure>`;
  return `<figure class="picture" id="${parts.id}" aria-labelledby="${parts.id}-heading">
${heading}
<figcaption>${parts.caption}</figcaption>
<div class="svg-wrap" tabindex="0" role="group" aria-label="${escapeHtml(parts.heading)} (scrolls sideways on narrow screens)">${parts.svg}</div>
<details class="as-table"><summary>${escapeHtml(parts.heading)} as a table</summary>${parts.table}</details>
</figure>`;
}

/**
 * The opening tag of a picture: role img with its own <title> and <desc>, sized by its viewBox so
 * it scales down on narrow screens until the wrapper's minimum width, then scrolls.
 */
export function svgOpen(id: string, width: number, height: number, label: string, description: string): string {
  return `<svg class="pic" id="${id}-svg" role="img" aria-labelledby="${id}-svg-title ${id}-svg-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title id="${id}-svg-title">${escapeHtml(label)}</title><desc id="${id}-svg-desc">${escapeHtml(description)}</desc>`;
}

/** A horizontal arrowhead at (x, y) pointing right (dir 1) or left (dir -1). */
export function arrowhead(x: number, y: number, dir: 1 | -1, size = 8): string {
  const back = x - dir * size;
  return `<path class="head" d="M${x} ${y} L${back} ${y - size / 2} L${back} ${y + size / 2} Z"/>`;
}

/** The glyphs that carry each state without colour (print in black and white, colour blindness). */
export const GLYPHS = { ok: '✔', bad: '✖', warn: '!', unknown: '?', none: '–' } as const;
export type PictureState = keyof typeof GLYPHS;
