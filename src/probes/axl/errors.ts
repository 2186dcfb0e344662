/**
 * Why an AXL exchange failed, as a person would act on it. `unauthorized`/`forbidden` are about
 * the AXL user, `not-activated` about the Cisco AXL Web Service, `fault` carries the axlcode.
 */
export type AxlFailureKind =
  | 'config'
  | 'unauthorized'
  | 'forbidden'
  | 'not-activated'
  | 'unavailable'
  | 'fault'
  | 'too-large'
  | 'timeout'
  | 'refused'
  | 'tls'
  | 'network'
  | 'malformed'
  | 'http';

export interface AxlFaultDetail {
  faultcode?: string;
  faultstring?: string;
  axlcode?: string;
  axlmessage?: string;
  request?: string;
}

export class AxlError extends Error {
  override name = 'AxlError';
  constructor(
    readonly kind: AxlFailureKind,
    message: string,
    readonly details: {
      status?: number;
      operation?: string;
      fault?: AxlFaultDetail;
      totalRows?: number;
      suggestedRows?: number;
    } = {},
  ) {
    super(message);
  }
}
