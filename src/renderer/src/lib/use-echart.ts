import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref, type WatchSource } from 'vue';
import { echarts } from './echarts.ts';

/** The option components a redraw replaces rather than merges into (the rest keep their state). */
export const REPLACED_ON_REDRAW = ['series', 'xAxis', 'yAxis'] as const;

/**
 * An ECharts instance on an element for the component's lifetime: drawn on mount, redrawn when `sources`
 * change (series replaced, so zoom and legend survive), resized with its element, disposed on unmount.
 */
export function useEchart(
  el: Readonly<Ref<HTMLElement | null>>,
  option: () => echarts.EChartsCoreOption,
  sources: WatchSource[],
  replaced: readonly string[] = REPLACED_ON_REDRAW,
) {
  const chart = shallowRef<echarts.ECharts | null>(null);
  let observer: ResizeObserver | undefined;
  const render = () => chart.value?.setOption(option(), { replaceMerge: [...replaced], lazyUpdate: true });
  onMounted(() => {
    if (!el.value) return;
    chart.value = echarts.init(el.value, undefined, { renderer: 'canvas' });
    render();
    observer = new ResizeObserver(() => chart.value?.resize());
    observer.observe(el.value);
  });
  onBeforeUnmount(() => {
    observer?.disconnect();
    chart.value?.dispose();
    chart.value = null;
  });
  watch(sources, render);
  /** The chart as a PNG data URL (white background, double resolution). */
  const toPng = (): string | null => chart.value?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' }) ?? null;
  return { chart, toPng };
}
