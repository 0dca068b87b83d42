// What a known client needs that the wire contract leaves open. StackOne's official TypeScript
// client validates a connect session's organization_id as a number up to 4.28 and as a string from
// 4.34 (docs/stackone-compat.md#organization_id-type); no single value satisfies both, so the type
// follows the client's user-agent ("speakeasy-sdk/typescript <sdk version> ... @stackone/stackone-client-ts",
// sent from Node, not from browsers). Anything else, and a version we cannot read, gets a string:
// StackOne's current answer. LINKHUB_ORGANIZATION_ID_TYPE overrides this for every client.

const TS_CLIENT = /speakeasy-sdk\/typescript (\d+)\.(\d+)\.\d+\b.*@stackone\/stackone-client-ts/;
/** The first version known to expect a string. Versions between 4.28 and it were not published where we could check. */
const STRING_FROM: [number, number] = [4, 34];

export function organizationIdType(userAgent: string | undefined, configured: 'string' | 'number' | null): 'string' | 'number' {
  if (configured) return configured;
  const m = TS_CLIENT.exec(userAgent ?? '');
  if (!m) return 'string';
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major < STRING_FROM[0] || (major === STRING_FROM[0] && minor < STRING_FROM[1]) ? 'number' : 'string';
}
