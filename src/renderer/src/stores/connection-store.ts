import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useConnection } from '../transport/inject.ts';

/** Which transport this renderer uses and whether it is connected right now. */
export const useConnectionStore = defineStore('connection', () => {
  const connection = useConnection();
  const state = ref(connection.state());
  connection.onState((next) => {
    state.value = next;
  });
  return { kind: connection.kind, state };
});
