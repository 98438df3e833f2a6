import { describe, expect, it } from 'vitest';
import { choiceOf, choiceProblem, emptyChoice, modelLabel, modelSpec } from '../../../src/renderer/src/lib/model-spec.ts';
import { headCheckCsv, termChartOption, termsCsv } from '../../../src/renderer/src/lib/term-chart.ts';
import type { HeadCheckResult, InspectTermsResult } from '../../../src/shared/contract.ts';

describe('model choice', () => {
  it('builds the contract MODEL strings and reads them back', () => {
    expect(modelSpec({ ...emptyChoice('folder'), folder: ' /m/tiny ' })).toBe('/m/tiny');
    expect(modelSpec({ ...emptyChoice('hub'), hub: 'answerdotai/ModernBERT-base@main' })).toBe('answerdotai/ModernBERT-base@main');
    expect(modelSpec({ ...emptyChoice('hub'), hub: 'not a hub id' })).toBeNull();
    expect(modelSpec({ ...emptyChoice('run'), runId: 'abc', step: '30' })).toBe('run:abc@30');
    expect(modelSpec({ ...emptyChoice('run'), runId: 'abc' })).toBe('run:abc');
    expect(choiceOf('run:abc@30')).toEqual({ ...emptyChoice('run'), runId: 'abc', step: '30' });
    expect(choiceOf('org/name')).toEqual({ ...emptyChoice('hub'), hub: 'org/name' });
    expect(choiceOf('/abs/org/name')).toEqual({ ...emptyChoice('folder'), folder: '/abs/org/name' });
    expect(choiceProblem({ ...emptyChoice('hub'), hub: 'x y' })).toBe('a hub id looks like org/name or org/name@revision');
    expect(modelLabel('/models/tiny-bert/')).toBe('tiny-bert');
    expect(modelLabel('run:abc@3', (id) => (id === 'abc' ? 'cranfield-k4' : undefined))).toBe('cranfield-k4 @3');
  });
});

const RESULT: InspectTermsResult = {
  model: '/m',
  folder: '/m',
  k: 1,
  kind: 'query',
  tokens: [
    { position: 0, id: 101, token: '[CLS]', text: '[CLS]' },
    { position: 1, id: 2300, token: 'water', text: 'water' },
    { position: 2, id: 102, token: '[SEP]', text: '[SEP]' },
  ],
  truncated: false,
  nnz: 3,
  l1: 3.5,
  terms: [
    { id: 2300, token: 'water', text: 'water', weight: 2, expansion: false, source: { position: 1, token: 'water' } },
    { id: 5, token: 'h2o, "liquid"', text: 'h2o, "liquid"', weight: 1, expansion: true, source: { position: 1, token: 'water' } },
    { id: 101, token: '[CLS]', text: '[CLS]', weight: 0.5, expansion: false, source: { position: 0, token: '[CLS]' } },
  ],
};

describe('term chart', () => {
  it('draws input terms and expansions as two series over the same term axis, heaviest on top', () => {
    const option = termChartOption(RESULT) as { yAxis: { data: string[]; inverse: boolean }; series: { name: string; data: (number | null)[] }[] };
    expect(option.yAxis).toMatchObject({ data: ['water', 'h2o, "liquid"', '[CLS]'], inverse: true });
    expect(option.series.map((s) => [s.name, s.data])).toEqual([
      ['input term', [2, null, 0.5]],
      ['expansion (not in the input)', [null, 1, null]],
    ]);
  });

  it('exports terms and head checks as CSV', () => {
    expect(termsCsv(RESULT)).toBe(
      'rank,term id,term,text,weight,expansion,source position,source token\r\n1,2300,water,water,2,false,1,water\r\n2,5,"h2o, ""liquid""","h2o, ""liquid""",1,true,1,water\r\n3,101,[CLS],[CLS],0.5,false,0,[CLS]\r\n',
    );
    const stats = { decoder_weight_frobenius_norm: 8, decoder_weight_mean_row_l2_norm: 1, decoder_bias_l2_norm: 2, logits_l2_mean: 30, splade_nnz_mean: 100, splade_weight_mean: 1, splade_weight_max: 2.5, splade_l1_mean: 100, logits_max_mean: 3, splade_cosine_mean: null };
    const check = { rows: [{ k: 2, stats, nnzFraction: 0.1, saturated: false, weightOk: true, distinguishable: false, meetsRule: true }] } as unknown as HeadCheckResult;
    expect(headCheckCsv(check).split('\r\n')[1]).toBe('2,8,1,2,30,100,1,2.5,100,,true');
  });
});
