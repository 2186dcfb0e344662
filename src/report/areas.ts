import type { Area } from '../engine/types.js';

/** Area names as a Cisco collaboration engineer reads them (report headings, JUnit suites). */
export const AREA_LABELS: Record<Area, string> = {
  dns: 'DNS',
  ntp: 'NTP',
  cert: 'Certificates',
  cucm: 'CUCM',
  exp: 'Expressway',
  edge: 'Edge (outside view)',
};
