// Stripe's descriptions are HTML (sometimes Markdown); actions and tools carry short plain text,
// because MCP clients show descriptions verbatim and a model reads every character of them.

/** Plain-text descriptions are trimmed to about this many characters. */
export const MAX_DESCRIPTION = 300;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** HTML or Markdown → plain text, whitespace collapsed, trimmed to about `max` characters. */
export function plainText(input: string, max = MAX_DESCRIPTION): string {
  let text = input
    .replace(/<a\b[^>]*>([\s\S]*?)<\/a>/gi, '$1')
    .replace(/<\/?(p|br|li|ul|ol|div)\b[^>]*>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#39|[a-z]+);/gi, (m, e: string) => ENTITIES[e.toLowerCase()] ?? m)
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > max) {
    const cut = text.slice(0, max);
    const space = cut.lastIndexOf(' ');
    text = (space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '') + '…';
  }
  return text;
}

/** `description` followed by `sentence`, with a full stop between them when it has none. */
export function appendSentence(description: string | undefined, sentence: string): string {
  if (!description) return sentence;
  return /[.!?…]$/.test(description) ? `${description} ${sentence}` : `${description}. ${sentence}`;
}
