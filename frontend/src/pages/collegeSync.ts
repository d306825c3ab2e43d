/** Roster and scheduling identify the same college by school code + college code. */
export function collegeSyncKey(college: { school_code: string; code: string }): string {
  return `${college.school_code}/${college.code}`;
}
