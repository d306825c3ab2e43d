import { describe, expect, it } from "vitest";
import { daySpan, dropStart, hhmm, hourMarks, minutes } from "./planGrid";

describe("plan grid", () => {
  it("converts times", () => {
    expect(minutes("13:05")).toBe(785);
    expect(hhmm(785)).toBe("13:05");
  });
  it("spans the windows of the day", () => {
    expect(daySpan([{ start: "13:00", end: "16:45" }, { start: "09:00", end: "12:00" }])).toEqual([540, 1005]);
  });
  it("rounds a drop to five minutes", () => {
    expect(dropStart(2 * 62, 540)).toBe("10:00");
    expect(dropStart(-10, 540)).toBe("09:00");
  });
  it("marks whole hours", () => {
    expect(hourMarks(540, 700)).toEqual([540, 600, 660]);
  });
});
