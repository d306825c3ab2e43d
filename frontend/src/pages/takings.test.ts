import { describe, expect, it } from "vitest";
import { chartPoints, newestFirst, providerFen, rangeDays, type TakingsDay } from "./takings";

const day = (d: string, wechat: number, alipay: number, offline: number, refunded: number): TakingsDay => ({
  day: d,
  paid_fen: wechat + alipay + offline,
  refunded_fen: refunded,
  net_fen: wechat + alipay + offline - refunded,
  count: 0,
  refund_count: 0,
  providers: [
    { provider: "wechat", paid_fen: wechat, refunded_fen: 0, net_fen: wechat, count: 0, refund_count: 0 },
    { provider: "alipay", paid_fen: alipay, refunded_fen: refunded, net_fen: alipay - refunded, count: 0, refund_count: 0 },
    { provider: "offline", paid_fen: offline, refunded_fen: 0, net_fen: offline, count: 0, refund_count: 0 },
  ],
});

describe("takings chart", () => {
  it("stacks each provider's payments and draws refunds below zero, in yuan", () => {
    const points = chartPoints([day("2026-06-01", 1500, 3000, 2000, 1500)]);
    expect(points).toEqual([
      { day: "06-01", series: "微信支付", yuan: 15 },
      { day: "06-01", series: "支付宝", yuan: 30 },
      { day: "06-01", series: "线下（现金/转账）", yuan: 20 },
      { day: "06-01", series: "退款", yuan: -15 },
    ]);
  });

  it("reads one provider's fen of a day", () => {
    const d = day("2026-06-01", 1500, 3000, 0, 1500);
    expect(providerFen(d, "alipay", "net_fen")).toBe(1500);
    expect(providerFen(d, "unknown", "paid_fen")).toBe(0);
  });

  it("lists the newest day first without changing the answer", () => {
    const days = [day("2026-06-01", 1, 0, 0, 0), day("2026-06-02", 2, 0, 0, 0)];
    expect(newestFirst(days).map((d) => d.day)).toEqual(["2026-06-02", "2026-06-01"]);
    expect(days[0].day).toBe("2026-06-01");
  });

  it("counts the days of a range, both ends included", () => {
    expect(rangeDays("2026-06-01", "2026-06-01")).toBe(1);
    expect(rangeDays("2026-06-01", "2026-08-31")).toBe(92);
    expect(rangeDays("2026-06-02", "2026-06-01")).toBe(0);
  });
});
