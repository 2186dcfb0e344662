import type { LabPart } from './index.js';

/** The lab's tls servers: placeholder until the area adds them. */
export const tlsLabPart: LabPart = async () => async () => {};
