import type { MessageArgs } from './types.js';

/** Renders `{name}` placeholders; a missing argument stays visible rather than vanishing. */
export function renderMessage(template: string, args: MessageArgs = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = args[name];
    return value === undefined ? whole : String(value);
  });
}
