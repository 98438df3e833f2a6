/** Series colors, in order (distinct on white, and in grayscale prints by lightness). */
export const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length];
}
