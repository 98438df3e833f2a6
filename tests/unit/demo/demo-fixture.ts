import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');

/**
 * A small stand-in for resources/demo: two BEIR collections and model folders (config and a weights file;
 * registration only checks that they are there). `backbones` picks which model folders exist.
 */
export function makeDemoDir(backbones: readonly string[] = ['bert-mini', 'modernbert-mini']): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-demo-fixture-'));
  const c = path.join(dir, 'collections/cranfield');
  write(path.join(c, 'corpus.jsonl'), jsonl([
    { _id: '1', title: 'wing lift', text: 'lift of a wing' },
    { _id: '2', title: 'shear flow', text: 'flow past a plate' },
    { _id: '3', title: 'heat', text: 'heat conduction in slabs' },
  ]));
  write(path.join(c, 'queries.jsonl'), jsonl([{ _id: '1', text: 'wing lift' }, { _id: '2', text: 'heat in slabs' }]));
  write(path.join(c, 'qrels/train.tsv'), 'query-id\tcorpus-id\tscore\n1\t1\t4\n');
  write(path.join(c, 'qrels/test.tsv'), 'query-id\tcorpus-id\tscore\n2\t3\t3\n');
  write(path.join(c, 'train-triples.jsonl'), jsonl([{ query: 'wing lift', positive: 'lift of a wing', negatives: ['flow past a plate'] }]));
  const m = path.join(dir, 'collections/med');
  write(path.join(m, 'corpus.jsonl'), jsonl([{ _id: '1', title: '', text: 'fetal plasma glucose' }, { _id: '2', title: '', text: 'lung electron microscopy' }]));
  write(path.join(m, 'queries.jsonl'), jsonl([{ _id: '1', text: 'glucose in fetal plasma' }]));
  write(path.join(m, 'qrels/test.tsv'), 'query-id\tcorpus-id\tscore\n1\t1\t1\n');
  const arch: Record<string, string> = { 'bert-mini': 'BertForMaskedLM', 'modernbert-mini': 'ModernBertForMaskedLM' };
  for (const id of backbones) {
    write(path.join(dir, 'models', id, 'config.json'), JSON.stringify({ architectures: [arch[id]] }));
    write(path.join(dir, 'models', id, 'model.safetensors'), 'not read by registration');
  }
  return dir;
}
