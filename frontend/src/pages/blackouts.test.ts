import { describe, expect, it } from "vitest";
import { blackoutsBody, blackoutsText, endProblem } from "./blackouts";

describe("the day form's blackouts", () => {
  it("sends complete rows, an empty room meaning every room", () => {
    expect(
      blackoutsBody([
        { date: "2026-05-21", start: "10:00", end: "10:15", room: undefined },
        { date: "2026-05-21", start: "15:00", end: "15:30", room: "图书馆E201" },
        { date: "2026-05-21", start: "11:00" },
      ]),
    ).toEqual([
      { date: "2026-05-21", start: "10:00", end: "10:15", room: null },
      { date: "2026-05-21", start: "15:00", end: "15:30", room: "图书馆E201" },
    ]);
    expect(blackoutsBody(undefined)).toEqual([]);
  });

  it("refuses an end that is not a time after the start", () => {
    expect(endProblem("10:00", "10:15")).toBeNull();
    expect(endProblem("10:00", "10:00")).toBe("结束时间须晚于开始时间");
    expect(endProblem("10:00", "9:30")).toBe("请填写结束时间，如 10:15");
    expect(endProblem(undefined, "24:00")).toBe("请填写结束时间，如 10:15");
  });

  it("shows a day's blackouts in one line", () => {
    expect(blackoutsText([])).toBe("—");
    expect(blackoutsText([{ date: "2026-05-21", start: "10:00", end: "10:15", room: null }])).toBe("2026-05-21 10:00–10:15（全部场地）");
  });
});
