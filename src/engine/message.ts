import type { MessageArgs } from '../checks/rule.js';

/**
 * Longest an argument may run inside a message. Arguments can come from hostile peers (a resolver
 * answering with 1,500 SRV records); the message stays one readable sentence and the evidence
 * keeps the full facts.
 */
export const MAX_ARGUMENT_LENGTH = 500;

/** Renders `{name}` placeholders; a missing argument stays visible rather than vanishing. */
export function renderMessage(template: string, args: MessageArgs = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = args[name];
    if (value === undefined) return whole;
    const text = String(value);
    return text.length <= MAX_ARGUMENT_LENGTH
      ? text
      : `${text.slice(0, MAX_ARGUMENT_LENGTH)}… (${text.length - MAX_ARGUMENT_LENGTH} more characters in the evidence)`;
  });
}
