import type { LabPart } from './index.js';

/** The lab's dns servers: placeholder until the area adds them. */
export const dnsLabPart: LabPart = async () => async () => {};
