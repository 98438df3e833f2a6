import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `resources/demo` of this checkout (the app and the CLI run from source, so it is found from here). */
export function defaultDemoDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../resources/demo');
}

export interface DemoDatasetSpec {
  /** The name it is registered under. */
  name: string;
  /** BEIR folder, relative to the demo folder. */
  folder: string;
  role: string;
}

export const DEMO_DATASETS: readonly DemoDatasetSpec[] = [
  { name: 'cranfield', folder: 'collections/cranfield', role: 'aeronautics abstracts: training (125 queries) and in-domain test (100 queries)' },
  { name: 'med', folder: 'collections/med', role: 'medical abstracts (MEDLARS, 30 queries): out-of-domain test' },
];

export interface DemoBackboneSpec {
  id: string;
  /** Hugging Face model folder, relative to the demo folder. */
  folder: string;
  label: string;
}

export const DEMO_BACKBONES: readonly DemoBackboneSpec[] = [
  { id: 'bert-mini', folder: 'models/bert-mini', label: 'BERT-style mini (bert-base-uncased tokenizer)' },
  { id: 'modernbert-mini', folder: 'models/modernbert-mini', label: 'ModernBERT-style mini, as Ettin (ModernBERT tokenizer)' },
];

/** A model folder the workbench can load: a config and weights. */
export function isModelFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'config.json')) && fs.existsSync(path.join(dir, 'model.safetensors'));
}
