/**
 * The one e-mail address rule, shared by the forms and the mail code (functions/adapters/mime.ts),
 * so that an address a form accepts can always be written into a message. Deliberately narrower
 * than RFC 5322: no quoted local parts, comments, groups or separators (`"`, `<`, `>`, `(`, `)`,
 * `,`, `;`, `:`, `\`), no white space, one `@`, a dotted domain with a top-level part of two or
 * more letters, no empty labels, at most 254 characters.
 */
const LOCAL = /^[^\s@"<>(),;:\\[\]]+$/;
const LABEL = /^[^\s@"<>(),;:\\[\].]+$/;

export function isDeliverableAddress(address: string): boolean {
  if (address.length > 254 || /[\r\n]/.test(address)) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.indexOf('@') !== at) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (
    local.length > 64 ||
    !LOCAL.test(local) ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  )
    return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l) && !l.startsWith('-') && !l.endsWith('-')))
    return false;
  return /^[\p{L}]{2,}$/u.test(labels[labels.length - 1] ?? '');
}
