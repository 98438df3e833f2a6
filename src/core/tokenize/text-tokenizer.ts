import type { Tokenizer } from 'tokenizers';

/** One text as the model receives it: special tokens included, truncated, not padded. */
export interface EncodedText {
  ids: number[];
  tokens: string[];
}

/**
 * A Hugging Face tokenizer (through the official `tokenizers` binding) with truncation per max length.
 * The binding keeps truncation as tokenizer state, so each max length gets its own instance.
 */
export class TextTokenizer {
  private readonly byLength = new Map<number, Promise<Tokenizer>>();
  private readonly texts = new Map<number, string>();
  private readonly base: Tokenizer;

  constructor(
    private readonly create: () => Promise<Tokenizer>,
    base: Tokenizer,
    /** Id used for right padding. */
    readonly padId: number,
    /** `model_max_length` from tokenizer_config.json, when it gives a real limit. */
    readonly modelMaxLength: number | undefined,
    /** Where it was loaded from (for messages). */
    readonly source: string,
  ) {
    this.base = base;
  }

  get vocabSize(): number {
    return this.base.getVocabSize(true);
  }

  idToToken(id: number): string | undefined {
    return this.base.idToToken(id) ?? undefined;
  }

  /**
   * Each id's surface text as the tokenizer's own decoder writes it: ModernBERT's byte-level `Ġboundary` is
   * " boundary", `Ċ` a newline; WordPiece pieces stay as they are (`##ina`).
   */
  async tokenTexts(ids: readonly number[]): Promise<string[]> {
    const missing = [...new Set(ids.filter((id) => !this.texts.has(id)))];
    if (missing.length > 0) {
      const decoded = await this.base.decodeBatch(missing.map((id) => [id]), false);
      missing.forEach((id, i) => this.texts.set(id, decoded[i] ?? ''));
    }
    return ids.map((id) => this.texts.get(id)!);
  }

  private forLength(maxLength: number | undefined): Promise<Tokenizer> {
    const key = maxLength ?? 0;
    let tok = this.byLength.get(key);
    if (!tok) {
      tok = this.create().then((t) => {
        t.disablePadding();
        if (maxLength === undefined) t.disableTruncation();
        else t.setTruncation(maxLength);
        return t;
      });
      this.byLength.set(key, tok);
    }
    return tok;
  }

  /** Encodes texts with special tokens, truncated to `maxLength` tokens (all of them, specials included). */
  async encodeBatch(texts: readonly string[], maxLength: number | undefined): Promise<EncodedText[]> {
    if (texts.length === 0) return [];
    const tok = await this.forLength(maxLength);
    const encodings = await tok.encodeBatch([...texts]);
    return encodings.map((e) => ({ ids: e.getIds(), tokens: e.getTokens() }));
  }
}
