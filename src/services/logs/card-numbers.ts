// Card numbers found by what they are, not by the field they are in (`metadata[ref]`, a description, a
// JSON key): masked to their last four wherever redaction looks (the call log, approvals, webhooks).
// A candidate is a run of digits alone, or of groups written as cards are (4-4-4-4, 4-4-4-4-3, 4-6-5,
// 4-6-4, 4-4-4-1; one separator: a space, a dash, a dot, a tab, a no-break space, or `+`, a form's
// space), standing apart from letters
// and other digits; it is a card number when its length is one its network issues for its first digits
// (Visa 4: 13, 16, 19; Mastercard 51–55, 2221–2720: 16; Amex 34, 37: 15; Diners 36: 14, 300–305, 38–39:
// 14 or 16; JCB 3528–3589, Discover 6011, 644–649, 65, UnionPay 62: 16–19) and it passes the Luhn
// check; full-width digits, spaces and hyphens (as input methods type them) count as theirs. So a
// date-time (20261207093000), an order number written 2026-1207-00003 or a phone number
// (+49 1512 3456704) is left as it is, and a card next to other digits ("4242 4242 4242 4242 123", "qty 2
// 378282246310005") is still found. Written here because it is Linkhub's rule of what to hide.

/** Runs of at least 13 digits, single separators between them, apart from letters and digits. */
const DIGIT_RUN = /(?<![0-9A-Za-z_])[0-9](?:[ +\-.\t\u00a0\u202f]?[0-9]){12,}(?![0-9A-Za-z_])/g;
/** What may stand between a card number's groups (one kind per number). */
const SEPARATOR = /[ +\-.\t\u00a0\u202f]/;
const SEPARATORS = /[ +\-.\t\u00a0\u202f]/g;

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    const d = digits.charCodeAt(i) - 48;
    sum += double ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
  }
  return sum % 10 === 0;
}

/** Whether a network issues numbers of this length with these first digits. */
function issued(d: string): boolean {
  const n = d.length;
  const two = Number(d.slice(0, 2));
  const three = Number(d.slice(0, 3));
  const four = Number(d.slice(0, 4));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return n === 16;
  if (two === 34 || two === 37) return n === 15;
  if (two === 36) return n === 14;
  if ((three >= 300 && three <= 305) || two === 38 || two === 39) return n === 14 || n === 16;
  if ((four >= 3528 && four <= 3589) || four === 6011 || (three >= 644 && three <= 649) || two === 65 || two === 62) return n >= 16 && n <= 19;
  return false;
}

/** Whether groups i..j have lengths as cards are written. */
function cardGrouping(lengths: readonly number[], i: number, j: number): boolean {
  if (i === j) return true;
  let fours = true;
  for (let k = i; k < j; k++) if (lengths[k] !== 4) fours = false;
  if (fours && lengths[j] <= 4) return true;
  return j - i === 2 && lengths[i] === 4 && lengths[i + 1] === 6 && (lengths[j] === 5 || lengths[j] === 4);
}

const masked = (digits: string) => `[card:****${digits.slice(-4)}]`;

/** A run with the card numbers in it masked: groups i..j tried longest first from each group on. */
function maskRun(run: string): string {
  const groups = run.split(SEPARATOR);
  if (groups.length === 1) return groups[0].length <= 19 && issued(run) && luhn(run) ? masked(run) : run;
  const seps = run.match(SEPARATORS) ?? [];
  const lengths = groups.map((g) => g.length);
  const out: string[] = [];
  let i = 0;
  while (i < groups.length) {
    let hit = -1;
    // at most five groups (4-4-4-4-3), longest first; the cheap checks before any text is built
    for (let j = Math.min(groups.length - 1, i + 4); j >= i && hit === -1; j--) {
      let n = 0;
      for (let k = i; k <= j; k++) n += lengths[k];
      if (n < 13 || n > 19 || !cardGrouping(lengths, i, j)) continue;
      let oneSeparator = true;
      for (let k = i + 1; k < j; k++) if (seps[k] !== seps[i]) oneSeparator = false;
      const digits = groups.slice(i, j + 1).join('');
      if (oneSeparator && issued(digits) && luhn(digits)) hit = j;
    }
    const end = hit === -1 ? i : hit;
    out.push(hit === -1 ? groups[i] : masked(groups.slice(i, hit + 1).join('')));
    if (end < groups.length - 1) out.push(seps[end]);
    i = end + 1;
  }
  return out.join('');
}

/** Full-width digits, space and hyphen (what Japanese and Chinese input methods type). */
const WIDE = /[\uff10-\uff19\u3000\uff0d]/g;
const WIDE_DIGIT = /[\uff10-\uff19]/;
const narrowed = (c: string) => (c === '\u3000' ? ' ' : c === '\uff0d' ? '-' : String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/** Text with every card number in it masked to its last four. */
export function maskCardNumbers(s: string): string {
  if (s.length < 13) return s;
  const out = s.replace(DIGIT_RUN, maskRun);
  return WIDE_DIGIT.test(out) ? maskWide(out) : out;
}

/**
 * Card numbers typed in full-width characters, masked: found in a copy with them narrowed (one UTF-16
 * unit each way, so offsets agree); the text around them, and runs that are no card, kept as written.
 */
function maskWide(s: string): string {
  const narrow = s.replace(WIDE, narrowed);
  let out = '';
  let last = 0;
  for (const m of narrow.matchAll(DIGIT_RUN)) {
    const masked = maskRun(m[0]);
    if (masked === m[0]) continue;
    out += s.slice(last, m.index) + masked;
    last = m.index + m[0].length;
  }
  return last === 0 ? s : out + s.slice(last);
}

/** A number sent as a JSON number that is a card number, masked (as text); else the number. */
export function maskCardNumber(n: number): number | string {
  if (!Number.isSafeInteger(n) || n < 1e12) return n;
  const digits = String(n);
  return issued(digits) && luhn(digits) ? masked(digits) : n;
}
