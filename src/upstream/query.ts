// Appending an encoded query string to a request target that may already carry one.

/** `appendQuery('/v1/customers?limit=3', 'email=a%40b.c')` → `/v1/customers?limit=3&email=a%40b.c`. */
export function appendQuery(path: string, qs: string): string {
  if (qs === '') return path;
  const q = path.indexOf('?');
  if (q === -1) return path + '?' + qs;
  return q === path.length - 1 || path.endsWith('&') ? path + qs : path + '&' + qs;
}
