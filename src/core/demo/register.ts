import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { datasetsDir } from '../data/register-dataset.ts';
import { importDataset } from '../data/import-dataset.ts';
import { openWorkspaceStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { DEMO_BACKBONES, DEMO_DATASETS, defaultDemoDir, isModelFolder, type DemoDatasetSpec } from './demo-resources.ts';

/** Settings key of the demo backbones (a list of DemoBackbone). */
export const DEMO_BACKBONES_SETTING = 'demo.backbones';
/** Settings key of what the demo registered: dataset name → { source, fingerprint }. */
export const DEMO_DATASETS_SETTING = 'demo.datasets';

export interface DemoBackbone {
  id: string;
  label: string;
  /** The model folder (Hugging Face layout): a MODEL for every command and run config. */
  path: string;
  architecture: string;
  /** The model card, when there is one. */
  card: string | null;
}

/**
 * - `registered`: imported now; `updated`: the committed files changed since, re-imported;
 * - `present`: already registered by the demo, unchanged; `missing`: the demo folder is not there;
 * - `taken`: a dataset of this name that the demo did not register exists; it is left alone.
 */
export type DemoDatasetStatus = 'registered' | 'updated' | 'present' | 'missing' | 'taken';

export interface DemoRegistration {
  datasets: { name: string; source: string; status: DemoDatasetStatus }[];
  backbones: DemoBackbone[];
  /** Ids of demo backbones whose folder has no model (not built yet: `npm run build:demo-models`). */
  missingBackbones: string[];
}

export interface RecordedDataset {
  source: string;
  fingerprint: string;
}

function listFilesSorted(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFilesSorted(path.join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** sha256 over the folder's files (relative names and contents): a changed collection is re-imported. */
export function folderFingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const rel of listFilesSorted(dir)) {
    hash.update(`${rel}\n`);
    hash.update(fs.readFileSync(path.join(dir, rel)));
    hash.update('\n');
  }
  return hash.digest('hex');
}

export function recordedDatasets(store: Store): Record<string, RecordedDataset> {
  const value = store.settings.get(DEMO_DATASETS_SETTING);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, RecordedDataset> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    const r = v as Partial<RecordedDataset> | null;
    if (r && typeof r.source === 'string' && typeof r.fingerprint === 'string') out[name] = { source: r.source, fingerprint: r.fingerprint };
  }
  return out;
}

async function registerDataset(
  store: Store,
  home: string,
  spec: DemoDatasetSpec,
  demoDir: string,
  recorded: Record<string, RecordedDataset>,
): Promise<DemoDatasetStatus> {
  const source = path.join(demoDir, spec.folder);
  if (!fs.existsSync(path.join(source, 'corpus.jsonl'))) return 'missing';
  const fingerprint = folderFingerprint(source);
  const existing = store.datasets.get(spec.name);
  const ours = recorded[spec.name];
  // Ours only if the registered dataset is the one the demo imported (not a user's of the same name since).
  if (existing && !(ours && existing.source === ours.source)) return 'taken';
  if (existing && ours && ours.fingerprint === fingerprint && ours.source === source && fs.existsSync(existing.path)) return 'present';

  const dest = path.join(datasetsDir(home), spec.name);
  fs.rmSync(dest, { recursive: true, force: true });
  const record = await importDataset('beir', source, dest, { name: spec.name });
  store.datasets.add(record, { replace: existing !== undefined });
  recorded[spec.name] = { source, fingerprint };
  store.settings.set(DEMO_DATASETS_SETTING, recorded);
  return existing ? 'updated' : 'registered';
}

function readArchitecture(dir: string): string {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { architectures?: unknown };
    return Array.isArray(config.architectures) && typeof config.architectures[0] === 'string' ? config.architectures[0] : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The demo backbones whose folders hold a model, as stored under DEMO_BACKBONES_SETTING. */
export function findDemoBackbones(demoDir = defaultDemoDir()): { backbones: DemoBackbone[]; missing: string[] } {
  const backbones: DemoBackbone[] = [];
  const missing: string[] = [];
  for (const spec of DEMO_BACKBONES) {
    const dir = path.join(demoDir, spec.folder);
    if (!isModelFolder(dir)) {
      missing.push(spec.id);
      continue;
    }
    const card = path.join(dir, 'MODEL_CARD.md');
    backbones.push({ id: spec.id, label: spec.label, path: dir, architecture: readArchitecture(dir), card: fs.existsSync(card) ? card : null });
  }
  return { backbones, missing };
}

/** The demo backbones recorded in a workspace (empty when none were). */
export function recordedDemoBackbones(store: Store): DemoBackbone[] {
  const value = store.settings.get(DEMO_BACKBONES_SETTING);
  return Array.isArray(value) ? (value as DemoBackbone[]) : [];
}

/**
 * Registers the demo collections as datasets (`cranfield`, `med`: the committed BEIR folders imported into
 * the workspace) and records the demo backbones in the workspace settings. Idempotent: an unchanged,
 * already registered collection is left as it is; one whose committed files changed is re-imported; a
 * dataset of the same name that the demo did not register is never touched (reported as `taken`).
 */
export async function ensureDemoRegistered(home: string, options: { demoDir?: string } = {}): Promise<DemoRegistration> {
  const demoDir = path.resolve(options.demoDir ?? defaultDemoDir());
  const store = openWorkspaceStore(home);
  try {
    const recorded = recordedDatasets(store);
    const datasets: DemoRegistration['datasets'] = [];
    for (const spec of DEMO_DATASETS) {
      const status = await registerDataset(store, home, spec, demoDir, recorded);
      datasets.push({ name: spec.name, source: path.join(demoDir, spec.folder), status });
    }
    const { backbones, missing } = findDemoBackbones(demoDir);
    if (JSON.stringify(store.settings.get(DEMO_BACKBONES_SETTING)) !== JSON.stringify(backbones)) {
      store.settings.set(DEMO_BACKBONES_SETTING, backbones);
    }
    return { datasets, backbones, missingBackbones: missing };
  } finally {
    store.close();
  }
}

/** One line for a log: what the registration did. */
export function describeRegistration(r: DemoRegistration): string {
  const ds = r.datasets.map((d) => `${d.name} ${d.status}`).join(', ');
  const bb = r.backbones.map((b) => b.id).join(', ') || 'none';
  const missing = r.missingBackbones.length > 0 ? ` (not built: ${r.missingBackbones.join(', ')}; npm run build:demo-models)` : '';
  return `demo datasets: ${ds}; demo backbones: ${bb}${missing}`;
}
