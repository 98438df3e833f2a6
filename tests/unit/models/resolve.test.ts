import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { resolveArchitecture } from '../../../src/core/models/registry.ts';
import { parseModelSpec, registerModelResolvers, resolveModelFolder } from '../../../src/core/models/resolve.ts';
import { makeTempDir } from '../../helpers/tiny-checkpoint.ts';

describe('MODEL specs', () => {
  afterEach(() => registerModelResolvers({}));

  it('classifies folders, hub ids and runs', () => {
    const dir = makeTempDir();
    expect(parseModelSpec(dir)).toEqual({ kind: 'folder', path: dir });
    expect(parseModelSpec('naver/splade-cocondenser-ensembledistil')).toEqual({ kind: 'hub', repo: 'naver/splade-cocondenser-ensembledistil', revision: undefined });
    expect(parseModelSpec('jhu-clsp/ettin-encoder-17m@v1.0')).toEqual({ kind: 'hub', repo: 'jhu-clsp/ettin-encoder-17m', revision: 'v1.0' });
    expect(parseModelSpec('run:r-42@300')).toEqual({ kind: 'run', runId: 'r-42', step: 300 });
    expect(parseModelSpec('run:r-42')).toEqual({ kind: 'run', runId: 'r-42', step: undefined });
    expect(() => parseModelSpec('./no/such/folder')).toThrow(InputError);
    expect(() => parseModelSpec('run:x@last')).toThrow(/run:<run-id>\[@<step>\]/);
  });

  it('dispatches hub ids and runs to the registered resolvers, and refuses them when none is', async () => {
    const opts = { home: '/tmp/h' };
    await expect(resolveModelFolder('org/name@main', opts)).rejects.toThrow(/hub ids are not available/);
    await expect(resolveModelFolder('run:abc', opts)).rejects.toThrow(/run checkpoints are not available/);
    registerModelResolvers({
      hub: async (repo, rev) => path.join('/cache', repo, rev ?? 'main'),
      run: async (id, step) => `/runs/${id}/${step ?? 'last'}`,
    });
    await expect(resolveModelFolder('org/name@v2', opts)).resolves.toBe(path.join('/cache', 'org/name', 'v2'));
    await expect(resolveModelFolder('run:abc@7', opts)).resolves.toBe('/runs/abc/7');
  });
});

describe('architecture registry', () => {
  it('takes the first supported architecture, falls back to model_type, names the field otherwise', () => {
    expect(resolveArchitecture({ architectures: ['BertForPreTraining'] }, 'c.json').name).toBe('BertForPreTraining');
    expect(resolveArchitecture({ model_type: 'distilbert' }, 'c.json').name).toBe('DistilBertForMaskedLM');
    expect(() => resolveArchitecture({ architectures: ['T5ForConditionalGeneration'] }, 'x/config.json')).toThrow(
      /x\/config\.json, field "architectures": unsupported architecture "T5ForConditionalGeneration"/,
    );
    expect(() => resolveArchitecture({ architectures: 'BertForMaskedLM' }, 'config.json')).toThrow(/list of architecture names/);
  });
});
