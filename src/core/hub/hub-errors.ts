/** Why a request to the hub failed, in the terms the downloader acts on. */
export type HubFailure =
  /** No answer, a dropped connection, or a 5xx/429: the cache may stand in. */
  | 'unreachable'
  | 'repo-not-found'
  | 'revision-not-found'
  | 'gated'
  | 'bad-token'
  /** Anything else the hub answered that the downloader cannot use. */
  | 'unexpected';

export class HubRequestError extends Error {
  constructor(
    readonly failure: HubFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HubRequestError';
  }
}

/** The hub could not be asked (offline, or unreachable) and the cache does not hold what was asked for. */
export class HubCacheMissError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubCacheMissError';
  }
}
