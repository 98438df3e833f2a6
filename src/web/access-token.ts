import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random access token (256 bits, URL-safe). */
export function createAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares in constant time; hashing first makes both sides the same length. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined || given === '') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/**
 * The token a request carries: `Authorization: Bearer <token>` (scripts, the renderer's fetches), else the
 * `token` query parameter (the browser's WebSocket cannot set headers). Never a cookie: cookies are not
 * scoped by port, so every other server on 127.0.0.1 would receive it.
 */
export function tokenFromRequest(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    return match ? match[1] : undefined;
  }
  return url.searchParams.get('token') ?? undefined;
}
