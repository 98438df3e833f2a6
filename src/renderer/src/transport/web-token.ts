const STORAGE_KEY = 'lsr.token';

interface LocationLike {
  readonly hash: string;
  readonly pathname: string;
  readonly search: string;
}
interface HistoryLike {
  replaceState(data: unknown, unused: string, url?: string): void;
}
interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The access token `lsr web` printed in the URL's fragment (`#token=…`; a fragment is never sent to a
 * server nor in a Referer). It is kept in this tab's sessionStorage, so a reload keeps working, and wiped
 * from the address bar, so it is not shared by copying the URL or left in the history.
 */
export function takeAccessToken(location: LocationLike, history: HistoryLike, storage: StorageLike): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    storage.setItem(STORAGE_KEY, fromUrl);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    return fromUrl;
  }
  return storage.getItem(STORAGE_KEY);
}
