import type { LabPart } from './index.js';

/** The lab's axl servers: placeholder until the area adds them. */
export const axlLabPart: LabPart = async () => async () => {};
