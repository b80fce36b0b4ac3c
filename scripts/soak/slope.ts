/** Least-squares slope of y over x: the heap's growth per hour from the soak's samples. */
export function slopePerHour(points: ReadonlyArray<{ hours: number; mb: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.hours, 0) / n;
  const my = points.reduce((s, p) => s + p.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.hours - mx) * (p.mb - my);
    den += (p.hours - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
