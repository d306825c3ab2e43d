/** The agency's next capture days on its dashboard: which come first and how their plan state reads. */

export interface DayLike {
  id: string;
  dates: { date: string; weekday: string }[];
}

export interface UpcomingDay<D extends DayLike> {
  day: D;
  /** The next date of the day from today on, or its last date when all are past. */
  next: { date: string; weekday: string };
  /** Dates of the day from today on (0 when the day is over). */
  remaining: number;
  past: boolean;
}

/**
 * Days with a date today or later first, soonest first; then past days, most recent first. `today` is the local
 * (Asia/Shanghai) date as YYYY-MM-DD, the form the API's local dates have, so plain string order is date order.
 */
export function upcomingDays<D extends DayLike>(days: readonly D[], today: string): UpcomingDay<D>[] {
  const out: UpcomingDay<D>[] = [];
  for (const day of days) {
    const dates = [...day.dates].sort((a, b) => a.date.localeCompare(b.date));
    if (dates.length === 0) continue;
    const coming = dates.filter((d) => d.date >= today);
    out.push(
      coming.length > 0
        ? { day, next: coming[0], remaining: coming.length, past: false }
        : { day, next: dates[dates.length - 1], remaining: 0, past: true },
    );
  }
  return out.sort((a, b) =>
    a.past !== b.past ? (a.past ? 1 : -1) : a.past ? b.next.date.localeCompare(a.next.date) : a.next.date.localeCompare(b.next.date),
  );
}

export const PLAN_STATE: Record<string, { label: string; color: string }> = {
  none: { label: "未排期", color: "warning" },
  solving: { label: "排期计算中", color: "processing" },
  draft: { label: "排期草稿", color: "default" },
  published: { label: "排期已发布", color: "success" },
  failed: { label: "排期失败", color: "error" },
};

export function planState(status: string | null | undefined): { label: string; color: string } {
  return PLAN_STATE[status ?? "none"] ?? { label: status ?? "—", color: "default" };
}

/** "图书馆E201 等 3 个场地（5 个机位）" */
export function roomsText(rooms: { id: string; stations: number }[]): string {
  if (rooms.length === 0) return "—";
  const stations = rooms.reduce((n, r) => n + r.stations, 0);
  const names = rooms.length <= 2 ? rooms.map((r) => r.id).join("、") : `${rooms[0].id} 等 ${rooms.length} 个场地`;
  return `${names}（${stations} 个机位）`;
}
