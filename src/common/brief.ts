/**
 * A value someone sent, as a message quotes it: its JSON cut to `max` characters, or `[…]` / `{…}`
 * when it is nested too deep to write. Whatever was sent (an object, a list 200,000 deep, a string
 * of megabytes), the message stays one short line.
 */
export function briefJson(value: unknown, max = 100): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return Array.isArray(value) ? '[…]' : typeof value === 'object' && value !== null ? '{…}' : String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
