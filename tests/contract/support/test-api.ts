import { createApi, type ApiFactory } from '../../../src/core/api/create-api.ts';

export const TEST_VERSION = '9.9.9-contract';

/**
 * The real API, except that `app.info` also pushes an `app.log` event before answering: the contract has
 * no method yet whose job is to emit, and the suite must see events cross each transport.
 */
export function eventfulApi(home: string): ApiFactory {
  return (emit, audience) => {
    const api = createApi({ home, version: TEST_VERSION, emit, audience, watchIntervalMs: 50 });
    return {
      ...api,
      'app.info': (params) => {
        emit('app.log', { level: 'info', message: `app.info asked for ${home}` });
        return api['app.info'](params);
      },
    };
  };
}
