/** host, host:port, IPv4:port, [IPv6]:port or a bare IPv6 address. */
export interface Address {
  host: string;
  port: number;
}

export class AddressError extends Error {}

export function parseAddress(text: string, defaultPort: number): Address {
  const value = text.trim();
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if ((value.match(/:/g) ?? []).length > 1) {
    host = value; // bare IPv6, no port
  } else {
    const colon = value.lastIndexOf(':');
    host = colon === -1 ? value : value.slice(0, colon);
    portText = colon === -1 ? undefined : value.slice(colon + 1);
  }
  if (host === '') throw new AddressError(`"${text}" has no host`);
  if (portText === undefined) return { host, port: defaultPort };
  if (!/^[0-9]{1,5}$/.test(portText)) throw new AddressError(`"${text}" has an invalid port "${portText}"`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new AddressError(`"${text}" has port ${port}, outside 1-65535`);
  return { host, port };
}

/** The form used in targets and evidence: 10.1.1.53:53, [::1]:5353. */
export function formatAddress(address: Address): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
