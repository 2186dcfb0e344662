import { describe, expect, it } from 'vitest';
import { MAX_ARGUMENT_LENGTH, renderMessage } from '../../src/engine/message.js';

describe('renderMessage', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(renderMessage('{a} and {b} of {c}', { a: 'x', b: 2 })).toBe('x and 2 of {c}');
  });

  it('cuts an argument from a hostile peer to a readable length', () => {
    const records = 'r'.repeat(MAX_ARGUMENT_LENGTH + 1234);
    const message = renderMessage('Leaked: {records}.', { records });
    expect(message.length).toBeLessThan(MAX_ARGUMENT_LENGTH + 80);
    expect(message).toContain('… (1234 more characters in the evidence).');
  });
});
