import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomModernBertWeights, tinyModernBertConfig, writeModernBertCheckpoint } from '../../../helpers/modernbert-checkpoint.ts';

describe('test helper: tiny ModernBERT checkpoint in HF layout', () => {
  it('writes config.json and a safetensors file laid out as the format specifies', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'modernbert-ckpt-'));
    try {
      const cfg = tinyModernBertConfig();
      const weights = randomModernBertWeights(cfg, 3);
      writeModernBertCheckpoint(dir, cfg, weights);
      expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual(cfg);

      const buf = readFileSync(path.join(dir, 'model.safetensors'));
      const headerLen = Number(buf.readBigUInt64LE(0));
      expect((8 + headerLen) % 8).toBe(0);
      const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
      const { __metadata__: meta, ...tensors } = header;
      expect(meta).toEqual({ format: 'pt' });
      expect(Object.keys(tensors).sort()).toEqual([...weights.keys()].sort());
      const base = 8 + headerLen;
      let covered = 0;
      for (const [name, t] of weights) {
        const entry = tensors[name];
        expect(entry.dtype).toBe('F32');
        expect(entry.shape).toEqual(t.shape);
        const [begin, end] = entry.data_offsets;
        expect(end - begin).toBe(4 * t.data.length);
        covered += end - begin;
        const stored = new Float32Array(buf.buffer.slice(buf.byteOffset + base + begin, buf.byteOffset + base + end));
        expect(stored).toEqual(t.data);
      }
      expect(base + covered).toBe(buf.length);
      expect(weights.has('model.embeddings.tok_embeddings.weight')).toBe(true);
      expect(weights.get('model.layers.1.attn.Wqkv.weight')!.shape).toEqual([96, 32]);
      expect(weights.get('model.layers.1.mlp.Wi.weight')!.shape).toEqual([96, 32]);
      expect(weights.get('model.layers.1.mlp.Wo.weight')!.shape).toEqual([32, 48]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
