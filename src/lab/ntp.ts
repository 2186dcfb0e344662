import type { LabPart } from './index.js';

/** The lab's ntp servers: placeholder until the area adds them. */
export const ntpLabPart: LabPart = async () => async () => {};
