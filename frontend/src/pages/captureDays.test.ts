import { describe, expect, it } from "vitest";
import { planState, roomsText, upcomingDays } from "./captureDays";

const day = (id: string, ...dates: string[]) => ({ id, dates: dates.map((date) => ({ date, weekday: "星期" })) });

describe("upcomingDays", () => {
  it("puts the coming days first, soonest first, then the past ones, latest first", () => {
    const days = [day("past-old", "2026-05-01"), day("later", "2026-06-10"), day("soon", "2026-06-02", "2026-06-03"),
      day("past-recent", "2026-05-20"), day("today", "2026-05-28")];
    const order = upcomingDays(days, "2026-05-28");
    expect(order.map((u) => u.day.id)).toEqual(["today", "soon", "later", "past-recent", "past-old"]);
    expect(order[1]).toMatchObject({ next: { date: "2026-06-02" }, remaining: 2, past: false });
    expect(order[3]).toMatchObject({ past: true, remaining: 0 });
  });

  it("a day under way shows its next date and how many remain, whatever the order of its dates", () => {
    const [u] = upcomingDays([day("a", "2026-06-05", "2026-06-01", "2026-06-03")], "2026-06-02");
    expect(u.next.date).toBe("2026-06-03");
    expect(u.remaining).toBe(2);
    expect(upcomingDays([day("empty")], "2026-06-02")).toEqual([]);
  });
});

describe("labels", () => {
  it("names the plan states and the rooms", () => {
    expect(planState("published").label).toBe("排期已发布");
    expect(planState(null).label).toBe("未排期");
    expect(planState("odd").label).toBe("odd");
    expect(roomsText([{ id: "E201", stations: 2 }, { id: "E202", stations: 1 }])).toBe("E201、E202（3 个机位）");
    expect(roomsText([{ id: "A", stations: 1 }, { id: "B", stations: 1 }, { id: "C", stations: 2 }])).toBe("A 等 3 个场地（4 个机位）");
  });
});
