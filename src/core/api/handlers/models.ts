import type { HeadCheckResult, HeadCheckRow } from '../../../shared/contract.ts';
import { InputError } from '../../errors.ts';
import { parseModelSpec, resolveModelFolder } from '../../models/resolve.ts';
import { computeHeadStats, SAMPLE_TEXTS } from '../../splade/head-stats.ts';
import { suggestK } from '../../splade/k-suggestion.ts';
import { validateRescaleK } from '../../splade/rescale.ts';
import type { Handlers } from '../create-api.ts';
import type { EngineContext } from '../engine-context.ts';
import type { TaskHandle } from '../tasks.ts';

function checkedKs(ks: readonly number[]): number[] {
  if (ks.length === 0) throw new InputError('give at least one k', { field: 'ks' });
  ks.forEach((k, i) => validateRescaleK(k, `ks[${i}]`));
  if (new Set(ks).size !== ks.length) throw new InputError('lists the same k twice', { field: 'ks' });
  return [...ks].sort((a, b) => a - b);
}

/** MODEL → a local folder, reporting download progress to the task. */
export function modelFolder(engine: EngineContext, model: string, task: TaskHandle): Promise<string> {
  return resolveModelFolder(model, { home: engine.home, signal: task.signal, onProgress: (line) => task.progress(line) }, 'model');
}

export function modelHandlers(engine: EngineContext): Pick<Handlers, 'models.headCheck' | 'models.download'> {
  return {
    'models.headCheck': ({ model, ks, texts, taskId }) => {
      const candidates = checkedKs(ks);
      const sample = texts ?? [...SAMPLE_TEXTS];
      if (sample.length < 2) throw new InputError('give at least two texts (the check compares texts with each other)', { field: 'texts' });
      return engine.tasks.run(taskId, 'models.headCheck', async (task): Promise<HeadCheckResult> => {
        const folder = await modelFolder(engine, model, task);
        const stats = await engine.models.use(folder, 1, ({ model: lm, tokenizer }) =>
          computeHeadStats(lm, tokenizer, candidates, sample, {
            signal: task.signal,
            onProgress: (done, total) => task.progress(`head-scale check: ${done}/${total} texts`, done / total),
          }),
        );
        const suggestion = suggestK(stats.vocab_size, candidates, stats.by_k);
        const rows = suggestion.checks.map(
          (c): HeadCheckRow => ({
            k: c.k,
            stats: stats.by_k[String(c.k)]!,
            nnzFraction: c.nnzFraction,
            saturated: c.saturated,
            weightOk: c.weightOk,
            distinguishable: c.distinguishable,
            meetsRule: c.meetsRule,
          }),
        );
        return {
          model,
          folder,
          architecture: stats.architecture,
          vocabSize: stats.vocab_size,
          tied: stats.tied,
          texts: stats.texts,
          tokens: stats.tokens,
          maxLength: stats.max_length,
          rows,
          suggestion: { k: suggestion.k, rule: suggestion.rule, reason: suggestion.reason, warnings: suggestion.warnings },
        };
      });
    },

    'models.download': ({ model, taskId }) => {
      const spec = parseModelSpec(model, 'model');
      if (spec.kind !== 'hub') throw new InputError('is not a hub id (org/name[@revision]); folders and runs need no download', { field: 'model' });
      return engine.tasks.run(taskId, 'models.download', async (task) => {
        const { downloadModel } = await import('../../hub/download.ts');
        const mb = (n: number) => `${(n / (1 << 20)).toFixed(1)} MB`;
        const result = await downloadModel(spec.revision ? `${spec.repo}@${spec.revision}` : spec.repo, {
          signal: task.signal,
          onProgress: (p) =>
            task.progress(`${p.file}: ${mb(p.bytesDone)} of ${mb(p.bytesTotal)}`, p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : null),
        });
        return { model, folder: result.folder, commit: result.commit, fromCache: result.fromCache };
      });
    },
  };
}
