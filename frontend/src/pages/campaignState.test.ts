import { describe, expect, it } from "vitest";
import { segments, studentsLink, studentsTotal, sumStates } from "./campaignState";

describe("campaign state", () => {
  it("splits the bar into states with students, adding up to 100", () => {
    const segs = segments({ imported: 1, submitted: 1, approved: 1, rejected: 0 });
    expect(segs.map((s) => s.label)).toEqual(["待提交", "审核中", "已通过"]);
    expect(segs.reduce((n, s) => n + s.percent, 0)).toBe(100);
    expect(segments({ imported: 0, submitted: 0, approved: 0, rejected: 0 })).toEqual([]);
  });
  it("links each count to the filtered list and sums schools", () => {
    expect(studentsLink("rejected")).toBe("/students?status=rejected");
    const sum = sumStates([
      { imported: 1, submitted: 2, approved: 3, rejected: 4, errata_pending: 1 },
      { imported: 1, submitted: 0, approved: 0, rejected: 0, errata_pending: 0 },
    ]);
    expect(sum).toEqual({ imported: 2, submitted: 2, approved: 3, rejected: 4, errata_pending: 1 });
    expect(studentsTotal(sum)).toBe(11);
  });
});
