import * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmModel, MlmModelInfo, RawTensor, WeightMap } from './types.ts';
import { transposeData } from './weights.ts';

interface Param {
  variable: tf.Variable;
  /** Stored [in, out] for a plain matMul while Hugging Face stores nn.Linear weights [out, in]. */
  transposed: boolean;
}

/**
 * Variables by Hugging Face name. Linear weights are kept transposed ([in, out]); `exportWeights` turns them
 * back into the Hugging Face layout.
 */
export class ParamStore {
  readonly params = new Map<string, Param>();

  add(name: string, t: RawTensor, opts: { linear?: boolean } = {}): tf.Variable {
    let initial: tf.Tensor;
    if (opts.linear) {
      const [out, inp] = t.shape as [number, number];
      initial = tf.tensor2d(transposeData(t.data, out, inp), [inp, out]);
    } else {
      initial = tf.tensor(t.data, t.shape);
    }
    // A variable shares its initial tensor's data; left undisposed, that tensor keeps the weights alive
    // after the model is disposed.
    const variable = tf.variable(initial, true);
    initial.dispose();
    this.params.set(name, { variable, transposed: opts.linear === true });
    return variable;
  }

  adopt(name: string, variable: tf.Variable): void {
    this.params.set(name, { variable, transposed: false });
  }

  variables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, p] of this.params) out.set(name, p.variable);
    return out;
  }

  /** Float32 copies in Hugging Face layout. */
  toWeightMap(): WeightMap {
    const out: WeightMap = new Map();
    for (const [name, p] of this.params) {
      const data = p.variable.dataSync() as Float32Array;
      if (p.transposed) {
        const [inp, outDim] = p.variable.shape as [number, number];
        out.set(name, { shape: [outDim, inp], data: transposeData(data, inp, outDim) });
      } else {
        out.set(name, { shape: [...p.variable.shape], data: Float32Array.from(data) });
      }
    }
    return out;
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
  }
}

export interface DecoderNames {
  /** The input embedding matrix, [vocab, hidden]. */
  embedding: string;
  /** The decoder weight's name when untied. */
  decoderWeight: string;
  /** The decoder bias's name as written. */
  decoderBias: string;
}

/**
 * What BERT-family masked LMs share: the decoder (tied to the input embeddings or not), head rescaling,
 * export and disposal. Subclasses implement the forward pass.
 */
export abstract class MaskedLmBase implements MaskedLmModel {
  readonly info: MlmModelInfo;
  protected readonly params = new ParamStore();
  private decoderW!: tf.Variable;
  private decoderB!: tf.Variable;
  private readonly vars = new Map<string, tf.Variable>();

  protected constructor(
    info: Omit<MlmModelInfo, 'rescaleK'>,
    protected readonly rawConfig: Record<string, unknown>,
    private readonly decoderNames: DecoderNames,
  ) {
    this.info = { ...info, rescaleK: 1 };
  }

  /** Called by the subclass once the embedding (and, if untied, decoder) variables exist. */
  protected setDecoder(weight: tf.Variable, bias: tf.Variable): void {
    this.decoderW = weight;
    this.decoderB = bias;
    this.refreshVariables();
  }

  private refreshVariables(): void {
    this.vars.clear();
    for (const [k, v] of this.params.variables()) this.vars.set(k, v);
  }

  abstract headHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training?: boolean): tf.Tensor3D;

  get decoderWeight(): tf.Variable {
    return this.decoderW;
  }

  get decoderBias(): tf.Variable {
    return this.decoderB;
  }

  get variables(): Map<string, tf.Variable> {
    return this.vars;
  }

  rescaleHead(k: number): void {
    if (!(k > 0) || !Number.isFinite(k)) throw new Error(`rescale factor must be a positive finite number, got ${k}`);
    if (this.info.tied) {
      const untied = tf.tidy(() => tf.variable(tf.div(this.decoderW, k), true));
      this.params.adopt(this.decoderNames.decoderWeight, untied);
      this.decoderW = untied;
      this.info.tied = false;
    } else {
      tf.tidy(() => this.decoderW.assign(tf.div(this.decoderW, k)));
    }
    tf.tidy(() => this.decoderB.assign(tf.div(this.decoderB, k)));
    this.info.rescaleK *= k;
    this.refreshVariables();
  }

  exportWeights(): WeightMap {
    return this.params.toWeightMap();
  }

  exportConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...this.rawConfig, architectures: [this.info.architecture] };
    if (this.info.tied) delete config.tie_word_embeddings;
    else config.tie_word_embeddings = false;
    return config;
  }

  dispose(): void {
    this.params.dispose();
    this.vars.clear();
  }
}
