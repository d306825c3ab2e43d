/** The day form's 停用时段 (blackouts): form rows to the API's body, and the checks the form can make itself. */

export interface BlackoutRow {
  date?: string;
  start?: string;
  end?: string;
  /** one room, or every room when empty */
  room?: string | null;
}

export interface BlackoutBody {
  date: string;
  start: string;
  end: string;
  room: string | null;
}

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Complete rows as the API takes them (incomplete ones are stopped by the form's rules before this). */
export function blackoutsBody(rows: readonly BlackoutRow[] | undefined): BlackoutBody[] {
  return (rows ?? [])
    .filter((r): r is Required<Pick<BlackoutRow, "date" | "start" | "end">> & BlackoutRow => Boolean(r.date && r.start && r.end))
    .map((r) => ({ date: r.date, start: r.start, end: r.end, room: r.room ? r.room : null }));
}

/** Why a row's end is refused, or null: it must be a time after the start. */
export function endProblem(start: string | undefined, end: string | undefined): string | null {
  if (!end || !HHMM.test(end)) return "请填写结束时间，如 10:15";
  if (start && HHMM.test(start) && end <= start) return "结束时间须晚于开始时间";
  return null;
}

/** The blackouts of a day in one line for the days table. */
export function blackoutsText(rows: readonly (Omit<BlackoutBody, "room"> & { room?: string | null })[]): string {
  return rows.length === 0 ? "—" : rows.map((b) => `${b.date} ${b.start}–${b.end}${b.room ? ` ${b.room}` : "（全部场地）"}`).join("；");
}
