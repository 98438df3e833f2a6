import type { Command, CommandContext } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { pretrainMlm, type PretrainEvent, type PretrainOptions } from '../../core/pretrain/run.ts';
import type { Packing } from '../../core/pretrain/corpus.ts';
import { resolveModelFolder } from '../../core/models/resolve.ts';
import { selectBackend } from '../../core/tensor/backend.ts';
import { loadTokenizer } from '../../core/tokenize/load-tokenizer.ts';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

function positive(v: number | undefined, field: string): number | undefined {
  if (v !== undefined && !(v > 0)) throw new InputError(`expected a positive number, got ${v}`, { field });
  return v;
}

async function optionsFrom(ctx: CommandContext): Promise<PretrainOptions> {
  const a = ctx.args;
  const init = a.string('init');
  const initFrom =
    init === undefined ? undefined : await resolveModelFolder(init, { home: ctx.home, onProgress: ctx.progress, signal: ctx.signal }, '--init');
  const packing = a.string('packing') ?? 'concat';
  if (packing !== 'concat' && packing !== 'line') throw new InputError(`expected concat or line, got "${packing}"`, { field: '--packing' });
  const biasInit = a.string('bias-init') ?? 'zero';
  if (biasInit !== 'zero' && biasInit !== 'unigram') throw new InputError(`expected zero or unigram, got "${biasInit}"`, { field: '--bias-init' });
  return {
    configFile: initFrom === undefined ? a.required('config') : a.string('config'),
    initFrom,
    tokenizerDir: initFrom === undefined ? a.required('tokenizer') : a.string('tokenizer'),
    corpusFile: a.required('corpus'),
    heldoutFile: a.string('heldout'),
    outDir: a.required('out'),
    steps: a.number('steps', { integer: true, min: 1 }) ?? 1000,
    batchSize: a.number('batch-size', { integer: true, min: 1 }) ?? 16,
    maxLength: a.number('max-length', { integer: true, min: 8 }),
    lr: a.number('lr', { min: 0 }) ?? 5e-4,
    warmupSteps: a.number('warmup-steps', { integer: true, min: 0 }),
    weightDecay: a.number('weight-decay', { min: 0 }) ?? 0.01,
    maxGradNorm: a.number('max-grad-norm', { min: 0 }) ?? 1,
    maskProb: a.number('mask-prob', { min: 0, max: 1 }),
    seed: a.number('seed', { integer: true, min: 0 }) ?? 42,
    packing: packing as Packing,
    checkpointEvery: a.number('checkpoint-every', { integer: true, min: 0 }) ?? 500,
    evalEvery: a.number('eval-every', { integer: true, min: 0 }) ?? 200,
    keepCheckpoints: a.number('keep-checkpoints', { integer: true, min: 0 }) ?? 2,
    resume: a.flag('resume'),
    biasInit,
    adamEps: positive(a.number('adam-eps'), '--adam-eps'),
  };
}

/** One human line per event (progress lines may be overwritten in place on a terminal). */
function describe(e: PretrainEvent): { line: string; transient: boolean } | undefined {
  switch (e.type) {
    case 'warning':
      return { line: `warning: ${e.message}`, transient: false };
    case 'prepare':
      return { line: `tokenizing ${e.what}: ${e.linesDone}/${e.lines} lines`, transient: true };
    case 'ready':
      return {
        line:
          `${e.architecture}, ${(e.parameters / 1e6).toFixed(2)}M parameters; ${e.sequences} sequences (${e.corpusTokens} tokens)` +
          (e.heldoutSequences > 0 ? `; held-out ${e.heldoutSequences} sequences, ${e.heldoutMaskedTokens} masked tokens` : '') +
          `; mask probability ${e.maskProb}` +
          (e.startStep > 0 ? `; resuming after step ${e.startStep}` : ''),
        transient: false,
      };
    case 'step':
      return {
        line:
          `step ${e.step}/${e.steps}  loss ${e.loss.toFixed(4)}  acc ${(100 * e.accuracy).toFixed(1)}%  lr ${e.lr.toExponential(2)}` +
          `  ${Math.round(e.tokensPerS)} tok/s  epoch ${e.epoch.toFixed(2)}  eta ${formatSeconds(e.etaS)}`,
        transient: true,
      };
    case 'eval':
      return {
        line: `held-out at step ${e.step}: masked-token accuracy ${(100 * e.accuracy).toFixed(2)}%, loss ${e.loss.toFixed(4)} (${e.maskedTokens} tokens)`,
        transient: false,
      };
    case 'checkpoint':
      return { line: `checkpoint at step ${e.step}: ${e.path}`, transient: false };
  }
}

export const pretrainMlmCommand: Command = {
  name: 'pretrain-mlm',
  summary: 'masked-language-model pretraining (or domain adaptation) of a BERT / ModernBERT backbone on a text file',
  usage:
    'pretrain-mlm (--config FILE --tokenizer DIR | --init MODEL [--tokenizer DIR]) --corpus FILE [--heldout FILE] --out DIR [--steps 1000] [--batch-size 16] ' +
    '[--max-length min(128, max_position_embeddings)] [--lr 5e-4] [--warmup-steps N] [--weight-decay 0.01] [--max-grad-norm 1] [--mask-prob P] [--seed 42] ' +
    '[--packing concat|line] [--bias-init zero|unigram] [--adam-eps 1e-8] [--checkpoint-every 500] [--eval-every 200] [--keep-checkpoints 2] [--resume] [--json]',
  booleanFlags: ['resume'],
  async run(ctx) {
    const { io } = ctx;
    const json = ctx.args.flag('json');
    const opts = await optionsFrom(ctx);
    const backend = await selectBackend(undefined, (line) => io.stderr.write(line + '\n'));
    if (!json) io.stderr.write(`backend: ${backend.name}\n`);
    const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
    const onEvent = (e: PretrainEvent): void => {
      if (json) {
        const { type, ...rest } = e;
        io.stderr.write(JSON.stringify({ event: type, ...rest }) + '\n');
        return;
      }
      const d = describe(e);
      if (!d) return;
      if (d.transient) {
        // On a terminal the line is redrawn in place; in a log every 10th step (and the last) is enough.
        if (tty || e.type !== 'step' || e.step % 10 === 0 || e.step === e.steps) ctx.progress(d.line);
      } else {
        io.stderr.write(`${tty ? '\r\x1b[K' : ''}${d.line}\n`);
      }
    };
    const summary = await pretrainMlm(opts, { loadTokenizer }, onEvent, ctx.signal);
    if (tty && !json) io.stderr.write('\n');
    io.stdout.write(JSON.stringify(summary) + '\n');
  },
};
