/** Numbers as charts and tables show them: 4 significant digits, exponents for the very large and small. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}

/** A table cell: empty for missing values. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

/** `3 s ago`, `5 min ago` from an ISO time. */
export function ago(iso: string | null, now: number = Date.now()): string {
  if (iso === null) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
