import type { IncomingMessage } from 'node:http';
import net from 'node:net';

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return net.isIPv4(bare) && bare.startsWith('127.');
}

/** `host:port` as it appears in a Host header or a URL (IPv6 bracketed). */
export function hostPort(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/**
 * Which Host headers are accepted. Bound to loopback, only the loopback names, which defeats DNS
 * rebinding (a page on evil.example resolving to 127.0.0.1 sends `Host: evil.example:N`). Bound elsewhere
 * the user chose to be reachable under names we cannot know, so any Host goes (the token still guards).
 */
export function allowedHosts(boundHost: string, port: number): Set<string> | null {
  if (!isLoopbackHost(boundHost)) return null;
  return new Set(['127.0.0.1', 'localhost', '[::1]', boundHost].map((h) => hostPort(h.replace(/^\[|\]$/g, ''), port)));
}

export function hostAllowed(req: IncomingMessage, allowed: Set<string> | null): boolean {
  const host = req.headers.host;
  if (host === undefined) return false;
  return allowed === null || allowed.has(host.toLowerCase());
}

/**
 * A browser always sends Origin on a WebSocket handshake and on cross-site fetches; it must be this very
 * server (same host and port as the Host header). No Origin at all means a non-browser client (a script,
 * the tests), which the token alone guards.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === req.headers.host?.toLowerCase();
}
