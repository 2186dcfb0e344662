/** How counts read in every format: "1 finding", "50,000 findings" (grouped the same everywhere). */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function plural(value: number, noun: string, nouns = `${noun}s`): string {
  return `${count(value)} ${value === 1 ? noun : nouns}`;
}
