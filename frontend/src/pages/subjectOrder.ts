const text = (v: string | null | undefined) => v ?? "\uffff"; // students without a college/class go last

/** The agency's queue: by school, college, class, then the class's roster order (how students line up). */
export function sortSubjects<
  T extends { school_code: string; college_name: string | null; class_no: string | null; roster_order: number },
>(subjects: readonly T[], schoolNames: ReadonlyMap<string, string> = new Map()): T[] {
  return [...subjects].sort(
    (a, b) =>
      text(schoolNames.get(a.school_code) ?? a.school_code).localeCompare(text(schoolNames.get(b.school_code) ?? b.school_code), "zh-CN") ||
      text(a.college_name).localeCompare(text(b.college_name), "zh-CN") ||
      text(a.class_no).localeCompare(text(b.class_no), "zh-CN") ||
      a.roster_order - b.roster_order,
  );
}
