/**
 * How the inspector writes a vocabulary entry: its decoded surface text without the word-boundary space
 * (ModernBERT's `Ġboundary` → `boundary`), whitespace-only tokens made visible; WordPiece's `##ina` stays.
 */
export function displayToken(t: { token: string; text?: string }): string {
  const text = t.text ?? t.token;
  const trimmed = text.trim();
  if (trimmed !== '') return trimmed;
  const visible = text.replace(/\r/g, '↵').replace(/\n/g, '⏎').replace(/\t/g, '⇥').replace(/ /g, '␣');
  return visible === '' ? t.token : visible;
}

/** The raw vocabulary entry, when the display hides something (for tooltips). */
export function rawTokenNote(t: { token: string; text?: string }): string {
  return displayToken(t) === t.token ? '' : ` [${t.token}]`;
}
