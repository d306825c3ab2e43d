/** Pure helpers of the plan grid (room × time): minutes, the day's span, where a block sits and where a drop lands. */

export const PX_PER_MINUTE = 2;

export function minutes(clock: string): number {
  const [h, m] = clock.split(":").map(Number);
  return h * 60 + m;
}

export function hhmm(total: number): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** The grid's first and last minute: the earliest window start and the latest window end. */
export function daySpan(windows: readonly { start: string; end: string }[]): [number, number] {
  if (windows.length === 0) return [8 * 60, 18 * 60];
  return [Math.min(...windows.map((w) => minutes(w.start))), Math.max(...windows.map((w) => minutes(w.end)))];
}

/** A drop at `offsetPx` below the top of a room column: the start, rounded to five minutes. */
export function dropStart(offsetPx: number, dayStart: number): string {
  return hhmm(dayStart + Math.max(0, Math.round(offsetPx / PX_PER_MINUTE / 5) * 5));
}

/** Hour marks between the span's ends, for the time axis. */
export function hourMarks(start: number, end: number): number[] {
  const marks: number[] = [];
  for (let t = Math.ceil(start / 60) * 60; t <= end; t += 60) marks.push(t);
  return marks;
}
