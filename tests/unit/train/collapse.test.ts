import { describe, expect, it } from 'vitest';
import { CollapseDetector, type CollapseObservation } from '../../../src/core/train/collapse.ts';

const healthy = (step: number, over: Partial<CollapseObservation> = {}): CollapseObservation => ({
  step,
  loss: 1.2,
  gradNorm: 0.8,
  queryNnzMax: 40,
  docNnzMax: 200,
  queryNnzMean: 20,
  docNnzMean: 120,
  vocabSize: 1000,
  ...over,
});

describe('CollapseDetector', () => {
  it('stays quiet on a healthy run', () => {
    const d = new CollapseDetector({ patience: 3 });
    for (let s = 0; s < 50; s++) expect(d.observe(healthy(s)).collapsed).toBe(false);
  });

  it('flags a non-finite loss at once', () => {
    const d = new CollapseDetector();
    d.observe(healthy(0));
    expect(d.observe(healthy(1, { loss: Number.NaN }))).toMatchObject({
      collapsed: true,
      reason: 'non-finite loss',
      step: 1,
      since: 1,
    });
    // The first verdict stays.
    expect(d.observe(healthy(2))).toMatchObject({ collapsed: true, step: 1 });
  });

  it('flags a non-finite gradient norm at once', () => {
    const d = new CollapseDetector();
    expect(d.observe(healthy(5, { gradNorm: Number.POSITIVE_INFINITY }))).toMatchObject({
      collapsed: true,
      reason: 'non-finite gradient',
      step: 5,
    });
  });

  it('flags all-zero representations only after `patience` consecutive steps', () => {
    const d = new CollapseDetector({ patience: 3 });
    const dead = (s: number) => healthy(s, { queryNnzMax: 0, queryNnzMean: 0 });
    expect(d.observe(dead(10)).collapsed).toBe(false);
    expect(d.observe(dead(11)).collapsed).toBe(false);
    expect(d.observe(healthy(12)).collapsed).toBe(false); // the run of bad steps is broken
    expect(d.observe(dead(13)).collapsed).toBe(false);
    expect(d.observe(dead(14)).collapsed).toBe(false);
    expect(d.observe(dead(15))).toMatchObject({ collapsed: true, reason: 'all-zero representations', step: 15, since: 13 });
  });

  it('flags documents that die too', () => {
    const d = new CollapseDetector({ patience: 1 });
    const v = d.observe(healthy(3, { docNnzMax: 0, docNnzMean: 0 }));
    expect(v).toMatchObject({ collapsed: true, reason: 'all-zero representations' });
    expect(v.collapsed && v.detail).toMatch(/document/);
  });

  it('flags saturation above the configured vocabulary fraction for `patience` steps', () => {
    const d = new CollapseDetector({ patience: 2, saturationFraction: 0.3 });
    // 300/1000 = 0.3 is not above the threshold; 301 is.
    expect(d.observe(healthy(0, { docNnzMean: 300 })).collapsed).toBe(false);
    expect(d.observe(healthy(1, { docNnzMean: 300 })).collapsed).toBe(false);
    expect(d.observe(healthy(2, { docNnzMean: 301 })).collapsed).toBe(false);
    expect(d.observe(healthy(3, { queryNnzMean: 900 }))).toMatchObject({
      collapsed: true,
      reason: 'saturated representations',
      step: 3,
      since: 2,
    });
  });

  it('keeps its counters across a resume', () => {
    const a = new CollapseDetector({ patience: 3 });
    const dead = (s: number) => healthy(s, { docNnzMax: 0 });
    a.observe(dead(0));
    a.observe(dead(1));
    const b = new CollapseDetector({ patience: 3 });
    b.restore(a.state());
    expect(b.observe(dead(2))).toMatchObject({ collapsed: true, since: 0, step: 2 });
  });

  it('validates its options', () => {
    expect(() => new CollapseDetector({ patience: 0 })).toThrow(/patience/);
    expect(() => new CollapseDetector({ saturationFraction: 1.5 })).toThrow(/saturationFraction/);
  });
});
