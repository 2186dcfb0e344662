import type { LabPart } from './index.js';

/** The lab's expressway servers: placeholder until the area adds them. */
export const expresswayLabPart: LabPart = async () => async () => {};
