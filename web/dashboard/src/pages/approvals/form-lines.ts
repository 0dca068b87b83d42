// A held call's form body, as a person approving it should read it: each parameter decoded
// (`%61mount` is `amount`), with the names a provider's parser may take for one another marked.
// The agent gate refuses to guess which of two such parameters the provider uses (form-params.ts
// on the server); the approver sees why, instead of one long encoded string.

export interface FormLine {
  /** Decoded, invisible and direction-override characters shown as `⟨U+202E⟩`. */
  name: string;
  value: string;
  /** The name as sent, when it differs from its decoded form. */
  written: string | null;
  /** How many parameters a lenient parser may read as this one (1: none other). */
  times: number;
  /** The name held characters a page does not show (a `⟨U+…⟩` in `name`). */
  hidden: boolean;
}

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0]/g;
const shown = (s: string) => s.replace(INVISIBLE, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/** `[ amount]`, ` amount`, `amount+` are `amount` to some parser, and `amount[0]` may be too: the root a repeat is counted under. */
const rootOf = (name: string): string =>
  name
    .replace(INVISIBLE, '')
    .replace(/^[\s[]+/, '')
    .replace(/[\s\]]+$/, '')
    .replace(/\[.*$/, '');

/** The parameters of a form body, in order (split on `&` and `;`, as Rack 2 splits); null when the text is not one (JSON, empty). */
export function formLines(body: unknown): FormLine[] | null {
  if (typeof body !== 'string' || body === '' || body.trimStart().startsWith('{')) return null;
  const lines = body
    .split(/[&;]/)
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      const name = decode(rawName);
      return {
        raw: name,
        name: shown(name),
        value: shown(eq === -1 ? '' : decode(pair.slice(eq + 1))),
        written: name === rawName ? null : rawName,
        times: 1,
        hidden: shown(name) !== name,
      };
    });
  // a name with brackets (`metadata[a]`) is its own unless a bare one shares its root (`amount` and `amount[0]`)
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const exactOf = (raw: string) => raw.replace(INVISIBLE, '').trim();
  const bare = new Map<string, number>();
  const all = new Map<string, number>();
  const exact = new Map<string, number>();
  for (const l of lines) {
    const root = rootOf(l.raw);
    count(all, root);
    count(exact, exactOf(l.raw));
    if (!/\[/.test(l.raw.replace(/^[\s[]+/, ''))) count(bare, root);
  }
  for (const l of lines) {
    const root = rootOf(l.raw);
    l.times = bare.has(root) ? (all.get(root) ?? 1) : (exact.get(exactOf(l.raw)) ?? 1);
  }
  return lines.map(({ raw: _, ...l }) => l);
}
