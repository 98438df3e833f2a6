export interface ModelCardInput {
  /** How the source was named, e.g. `run 01J… (k4) at step 500` or a folder. */
  label: string;
  architecture: string;
  maxSeqLength: number;
  vocabSize: number;
  /** Total MLM-head rescale factor of the exported weights (a run's own k times the export's --k). */
  rescaleK: number;
}

const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** `str(model)` of a SparseEncoder holding an MLMTransformer and a SpladePooling (nn.Sequential repr). */
export function sparseEncoderRepr(input: Pick<ModelCardInput, 'architecture' | 'maxSeqLength' | 'vocabSize'>): string {
  return [
    'SparseEncoder(',
    `  (0): MLMTransformer({'max_seq_length': ${input.maxSeqLength}, 'do_lower_case': ${pyBool(false)}, 'architecture': '${input.architecture}'})`,
    `  (1): SpladePooling({'pooling_strategy': 'max', 'activation_function': 'relu', 'word_embedding_dimension': ${input.vocabSize}})`,
    ')',
  ].join('\n');
}

/**
 * README.md in the shape of sentence-transformers' sparse-encoder model card (same front matter keys and
 * tags, same sections), with where the weights came from in place of training logs.
 */
export function sparseEncoderModelCard(input: ModelCardInput): string {
  const fence = '```';
  return [
    '---',
    'tags:',
    '- sentence-transformers',
    '- sparse-encoder',
    '- sparse',
    '- splade',
    'pipeline_tag: feature-extraction',
    'library_name: sentence-transformers',
    '---',
    '',
    '# SPLADE Sparse Encoder',
    '',
    `This is a [SPLADE Sparse Encoder](https://www.sbert.net/docs/sparse_encoder/usage/usage.html) model exported by LSR Workbench (\`lsr export\`) from ${input.label}. It maps sentences & paragraphs to a ${input.vocabSize}-dimensional sparse vector space and can be used for semantic search and sparse retrieval.`,
    '',
    '## Model Details',
    '',
    '### Model Description',
    '- **Model Type:** SPLADE Sparse Encoder',
    `- **Maximum Sequence Length:** ${input.maxSeqLength} tokens`,
    `- **Output Dimensionality:** ${input.vocabSize} dimensions`,
    '- **Similarity Function:** Dot Product',
    `- **MLM-head rescale factor k:** ${input.rescaleK} (decoder weight and bias divided by k, untied from the input embeddings, which are unchanged)`,
    '',
    '### Full Model Architecture',
    '',
    fence,
    sparseEncoderRepr(input),
    fence,
    '',
    '## Usage',
    '',
    '### Direct Usage (Sentence Transformers)',
    '',
    'First install the Sentence Transformers library:',
    '',
    `${fence}bash`,
    'pip install -U sentence-transformers',
    fence,
    '',
    'Then you can load this model and run inference.',
    `${fence}python`,
    'from sentence_transformers import SparseEncoder',
    '',
    'model = SparseEncoder("path/to/this/folder")',
    'queries = ["what is learned sparse retrieval?"]',
    'documents = ["SPLADE maps a text to a sparse vector over the vocabulary."]',
    'query_embeddings = model.encode_query(queries)',
    'document_embeddings = model.encode_document(documents)',
    'similarities = model.similarity(query_embeddings, document_embeddings)',
    fence,
    '',
  ].join('\n');
}
