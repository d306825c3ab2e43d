/**
 * The campaign at a glance: a school's students by state, in the order they move (待提交 → 审核中 → 已通过 /
 * 未通过), with the colour, the list each count opens, and the share of each for the stacked bar.
 */
import type { SchoolStats } from "../api/types";

export type StateKey = "imported" | "submitted" | "approved" | "rejected";

export interface StateDef {
  key: StateKey;
  label: string;
  color: string;
}

export const STATES: readonly StateDef[] = [
  { key: "imported", label: "待提交", color: "#bfbfbf" },
  { key: "submitted", label: "审核中", color: "#1677ff" },
  { key: "approved", label: "已通过", color: "#52c41a" },
  { key: "rejected", label: "未通过", color: "#ff4d4f" },
];

export function studentsTotal(s: Pick<SchoolStats, StateKey>): number {
  return s.imported + s.submitted + s.approved + s.rejected;
}

/** The list behind a count: the students page filtered by state (the school's own view). */
export function studentsLink(state: StateKey): string {
  return `/students?status=${state}`;
}

export interface Segment extends StateDef {
  count: number;
  /** Percentage of the bar, rounded so that the shown segments add up to 100. */
  percent: number;
}

/** The bar's segments (states with students only), their percentages adding up to exactly 100. */
export function segments(s: Pick<SchoolStats, StateKey>): Segment[] {
  const total = studentsTotal(s);
  if (total === 0) return [];
  const shown = STATES.filter((d) => s[d.key] > 0).map((d) => ({ ...d, count: s[d.key], percent: Math.floor((s[d.key] * 100) / total) }));
  let left = 100 - shown.reduce((n, x) => n + x.percent, 0);
  const byRemainder = [...shown].sort((a, b) => ((b.count * 100) % total) - ((a.count * 100) % total));
  for (const seg of byRemainder) {
    if (left <= 0) break;
    seg.percent += 1;
    left -= 1;
  }
  return shown;
}

/** Sum of the states over schools. */
export function sumStates(rows: readonly Pick<SchoolStats, StateKey | "errata_pending">[]): Record<StateKey | "errata_pending", number> {
  const sum = { imported: 0, submitted: 0, approved: 0, rejected: 0, errata_pending: 0 };
  for (const r of rows) {
    for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += r[key] ?? 0;
  }
  return sum;
}
