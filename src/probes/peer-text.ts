/**
 * Text a peer sent (a STUN reason phrase, an HTTP error body) as it may be shown in a finding:
 * control characters replaced so it cannot forge lines in a report, length capped.
 */
export function printable(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
