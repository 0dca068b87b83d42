// A held call's form body, as a person approving it should read it: each parameter decoded
// (`%61mount` is `amount`), with the names a provider's parser may take for one another marked.
// The agent gate refuses to guess which of two such parameters the provider uses (form-params.ts
// on the server); the approver sees why, instead of one long encoded string.

export interface FormLine {
  name: string;
  value: string;
  /** The name as sent, when it differs from its decoded form. */
  written: string | null;
  /** How many parameters share this name, read as lenient parsers read names (trimmed, brackets dropped). */
  times: number;
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/** `[ amount]`, ` amount`, `amount+` are `amount` to some parser: the name a repeat is counted under. */
const leniently = (name: string): string => name.replace(/^[\s[]+|[\s\]]+$/g, '').replace(/\[\s*\]$/, '');

/** The parameters of a form body, in order; null when the text is not one (JSON, empty). */
export function formLines(body: unknown): FormLine[] | null {
  if (typeof body !== 'string' || body === '' || body.trimStart().startsWith('{')) return null;
  const lines = body
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      const name = decode(rawName);
      return { name, value: eq === -1 ? '' : decode(pair.slice(eq + 1)), written: name === rawName ? null : rawName, times: 0 };
    });
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(leniently(l.name), (counts.get(leniently(l.name)) ?? 0) + 1);
  for (const l of lines) l.times = counts.get(leniently(l.name)) ?? 1;
  return lines;
}
