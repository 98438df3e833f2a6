import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useTransport } from '../transport/inject.ts';

const MAX_POINTS = 600;

/** Round-trip times of a cheap call (`app.info`), measured while someone watches them. */
export const useLatencyStore = defineStore('latency', () => {
  const transport = useTransport();
  /** (seconds since the first sample, milliseconds) */
  const points = ref<[number, number][]>([]);
  const failures = ref(0);
  let origin: number | undefined;

  async function sample(now: () => number = () => performance.now()): Promise<void> {
    const start = now();
    origin ??= start;
    try {
      await transport.call('app.info', {});
    } catch {
      failures.value++;
      return;
    }
    points.value.push([Number(((start - origin) / 1000).toFixed(3)), now() - start]);
    if (points.value.length > MAX_POINTS) points.value.splice(0, points.value.length - MAX_POINTS);
  }

  return { points, failures, sample };
});
