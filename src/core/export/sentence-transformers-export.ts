import fs from 'node:fs';
import path from 'node:path';
import { exportHfFolder, type HfExportOptions } from './hf-export.ts';
import { sparseEncoderModelCard, type ModelCardInput } from './model-card.ts';

/**
 * The sentence-transformers release whose `SparseEncoder.save_pretrained` layout is reproduced (see
 * docs/export.md for the sources read). Loading needs this version or newer.
 */
export const SENTENCE_TRANSFORMERS_VERSION = '5.1.0';
/** Declared in `__version__` when the model's config.json does not say which transformers wrote it. */
const TRANSFORMERS_VERSION_FALLBACK = '4.55.0';
const PYTORCH_VERSION = '2.8.0';

export const MLM_TRANSFORMER_TYPE = 'sentence_transformers.sparse_encoder.models.MLMTransformer';
export const SPLADE_POOLING_TYPE = 'sentence_transformers.sparse_encoder.models.SpladePooling';
export const POOLING_DIR = '1_SpladePooling';

/** Python's `json.dump(obj, f, indent=n)` for ASCII content: same separators, no trailing newline. */
function pythonJson(value: unknown, indent: number): string {
  return JSON.stringify(value, null, indent);
}

export interface SentenceTransformersExportOptions extends HfExportOptions {
  /** For the model card. */
  source: Omit<ModelCardInput, 'architecture' | 'maxSeqLength' | 'vocabSize'>;
}

export interface SentenceTransformersExportResult {
  files: string[];
  maxSeqLength: number;
  vocabSize: number;
}

/**
 * Writes the folder `SparseEncoder.save_pretrained` writes for an MLMTransformer + SpladePooling model: the
 * MLMTransformer at the root (the Hugging Face model and tokenizer files plus `sentence_bert_config.json`),
 * `1_SpladePooling/config.json`, `modules.json`, `config_sentence_transformers.json` and a README.md model card.
 */
export function exportSentenceTransformers(source: string, out: string, opts: SentenceTransformersExportOptions): SentenceTransformersExportResult {
  const hf = exportHfFolder(source, out, opts);
  const vocabSize = hf.info.vocabSize;
  const maxSeqLength = hf.maxLength;
  const transformersVersion = typeof hf.config.transformers_version === 'string' ? hf.config.transformers_version : TRANSFORMERS_VERSION_FALLBACK;
  const write = (rel: string, text: string): string => {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), text);
    return rel;
  };
  const files = [...hf.files];
  // MLMTransformer.save_config: config_keys ["max_seq_length", "do_lower_case"], Module.save_config indent 4.
  files.push(write('sentence_bert_config.json', pythonJson({ max_seq_length: maxSeqLength, do_lower_case: false }, 4)));
  // SpladePooling.save_config: config_keys ["pooling_strategy", "activation_function", "word_embedding_dimension"].
  files.push(
    write(
      `${POOLING_DIR}/config.json`,
      pythonJson({ pooling_strategy: 'max', activation_function: 'relu', word_embedding_dimension: vocabSize }, 4),
    ),
  );
  // SentenceTransformer.save: _model_config ({"model_type"} + "__version__"), then prompts, default prompt, similarity.
  files.push(
    write(
      'config_sentence_transformers.json',
      pythonJson(
        {
          model_type: 'SparseEncoder',
          __version__: { sentence_transformers: SENTENCE_TRANSFORMERS_VERSION, transformers: transformersVersion, pytorch: PYTORCH_VERSION },
          prompts: { query: '', document: '' },
          default_prompt_name: null,
          similarity_fn_name: 'dot',
        },
        2,
      ),
    ),
  );
  files.push(
    write(
      'modules.json',
      pythonJson(
        [
          { idx: 0, name: '0', path: '', type: MLM_TRANSFORMER_TYPE },
          { idx: 1, name: '1', path: POOLING_DIR, type: SPLADE_POOLING_TYPE },
        ],
        2,
      ),
    ),
  );
  files.push(
    write('README.md', sparseEncoderModelCard({ ...opts.source, architecture: hf.info.architecture, maxSeqLength, vocabSize })),
  );
  return { files: files.sort(), maxSeqLength, vocabSize };
}
