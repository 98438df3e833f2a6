import { describe, expect, it } from 'vitest';
import { displayToken, rawTokenNote } from '../../../src/renderer/src/lib/token-text.ts';

describe('displayToken', () => {
  it('shows the decoded word without its boundary space, and the raw entry only where they differ', () => {
    expect(displayToken({ token: 'Ġboundary', text: ' boundary' })).toBe('boundary');
    expect(rawTokenNote({ token: 'Ġboundary', text: ' boundary' })).toBe(' [Ġboundary]');
    expect(displayToken({ token: '##ina', text: '##ina' })).toBe('##ina');
    expect(rawTokenNote({ token: '##ina', text: '##ina' })).toBe('');
    expect(displayToken({ token: 'ĠcafÃ©', text: ' café' })).toBe('café');
  });

  it('makes whitespace-only tokens visible and falls back to the raw entry', () => {
    expect(displayToken({ token: 'Ċ', text: '\n' })).toBe('⏎');
    expect(displayToken({ token: 'Ġ', text: ' ' })).toBe('␣');
    expect(displayToken({ token: 'ĊĊ', text: '\n\n' })).toBe('⏎⏎');
    expect(displayToken({ token: '[PAD]', text: '' })).toBe('[PAD]');
    expect(displayToken({ token: 'water' })).toBe('water');
  });
});
