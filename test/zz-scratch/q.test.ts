import { it } from 'vitest';
import { exchangeWith } from '../../src/probes/ntp.js';
it('q', async () => {
  const r = await exchangeWith('127.0.0.1:41233', 500, new AbortController().signal);
  console.log(JSON.stringify(r, null, 1));
});
