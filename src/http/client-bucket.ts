// What the per-address limits (sign-in attempts, OAuth client registrations) count a client under:
// an IPv4 address as is (an IPv4-mapped IPv6 address as its IPv4), an IPv6 address by its /64. A
// single IPv6 host usually holds a whole /64 and may use any of its 2^64 addresses, so counted per
// address it had no limit at all. ipaddr.js is already the project's address parser.
import ipaddr from 'ipaddr.js';

export function clientBucket(address: string): string {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address.replace(/%.*$/, '')); // a zone id (fe80::1%eth0) is no part of the address
  } catch {
    return address; // not an address (a test's stand-in value): counted as given
  }
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts;
  return `${parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}
