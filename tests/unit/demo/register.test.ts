import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importAndRegister } from '../../../src/core/data/register-dataset.ts';
import { DEMO_BACKBONES_SETTING, ensureDemoRegistered } from '../../../src/core/demo/register.ts';
import { Store } from '../../../src/core/store/store.ts';
import { makeDemoDir } from './demo-fixture.ts';

const temps: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function withStore<T>(home: string, f: (s: Store) => T): T {
  const s = Store.open(home);
  try {
    return f(s);
  } finally {
    s.close();
  }
}

describe('ensureDemoRegistered', () => {
  it('registers both collections and records the built backbones; a second call changes nothing', async () => {
    const demoDir = makeDemoDir(['bert-mini']);
    temps.push(demoDir);
    const home = tmp('lsr-demo-home-');

    const first = await ensureDemoRegistered(home, { demoDir });
    expect(first.datasets.map((d) => [d.name, d.status])).toEqual([['cranfield', 'registered'], ['med', 'registered']]);
    expect(first.missingBackbones).toEqual(['modernbert-mini']);
    const stored = withStore(home, (s) => ({
      datasets: s.datasets.list(),
      backbones: s.settings.get(DEMO_BACKBONES_SETTING),
    }));
    expect(stored.datasets.map((d) => [d.name, d.docs, d.queries, d.splits, d.trainingExamples])).toEqual([
      ['cranfield', 3, 2, { test: 1, train: 1 }, 1],
      ['med', 2, 1, { test: 1 }, 0],
    ]);
    for (const d of stored.datasets) expect(fs.existsSync(path.join(d.path, 'corpus.jsonl'))).toBe(true);
    expect(stored.backbones).toEqual([
      { id: 'bert-mini', label: expect.any(String), path: path.join(demoDir, 'models/bert-mini'), architecture: 'BertForMaskedLM', card: null },
    ]);

    const second = await ensureDemoRegistered(home, { demoDir });
    expect(second.datasets.map((d) => d.status)).toEqual(['present', 'present']);
    const again = withStore(home, (s) => s.datasets.list());
    expect(again.map((d) => d.importedAt)).toEqual(stored.datasets.map((d) => d.importedAt));
  });

  it('re-imports a collection whose committed files changed, and picks up a backbone built since', async () => {
    const demoDir = makeDemoDir(['bert-mini']);
    temps.push(demoDir);
    const home = tmp('lsr-demo-home-');
    await ensureDemoRegistered(home, { demoDir });
    fs.appendFileSync(path.join(demoDir, 'collections/med/corpus.jsonl'), JSON.stringify({ _id: '3', title: '', text: 'renal failure' }) + '\n');
    fs.mkdirSync(path.join(demoDir, 'models/modernbert-mini'));
    fs.writeFileSync(path.join(demoDir, 'models/modernbert-mini/config.json'), JSON.stringify({ architectures: ['ModernBertForMaskedLM'] }));
    fs.writeFileSync(path.join(demoDir, 'models/modernbert-mini/model.safetensors'), 'x');

    const r = await ensureDemoRegistered(home, { demoDir });
    expect(r.datasets.map((d) => [d.name, d.status])).toEqual([['cranfield', 'present'], ['med', 'updated']]);
    expect(withStore(home, (s) => s.datasets.get('med')!.docs)).toBe(3);
    expect(r.backbones.map((b) => [b.id, b.architecture])).toEqual([['bert-mini', 'BertForMaskedLM'], ['modernbert-mini', 'ModernBertForMaskedLM']]);
    expect(r.missingBackbones).toEqual([]);
  });

  it('leaves a dataset of the same name that the user registered alone', async () => {
    const demoDir = makeDemoDir();
    temps.push(demoDir);
    const home = tmp('lsr-demo-home-');
    const mine = path.join(demoDir, 'collections/cranfield');
    await importAndRegister(home, 'beir', mine, { name: 'med' });
    const r = await ensureDemoRegistered(home, { demoDir });
    expect(r.datasets.map((d) => [d.name, d.status])).toEqual([['cranfield', 'registered'], ['med', 'taken']]);
    expect(withStore(home, (s) => s.datasets.get('med')!.source)).toBe(mine);
  });
});
