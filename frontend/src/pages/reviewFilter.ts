/** The province's batch view: which students to show (decision, flagged only). Pure, unit-tested. */

export type DecisionFilter = "all" | "pending" | "approved" | "rejected";

export function filterReviewItems<T extends { decision: string; flags: readonly unknown[] }>(
  items: readonly T[],
  { onlyFlagged, decision }: { onlyFlagged: boolean; decision: DecisionFilter },
): T[] {
  return items.filter((i) => (!onlyFlagged || i.flags.length > 0) && (decision === "all" || i.decision === decision));
}

/** Sum the numeric columns of per-school counts (the totals row). */
export function totals<K extends string>(rows: readonly Record<K, number>[], keys: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const row of rows) for (const k of keys) out[k] += row[k] ?? 0;
  return out;
}
