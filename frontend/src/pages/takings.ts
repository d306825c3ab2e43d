/** The daily takings (GET payments/v1/reports/takings): the range asked for and what the chart draws. Money stays
 * integer fen; the chart alone turns it into yuan numbers, for its axis. */
import type { components } from "../api/schema/payments";

export type TakingsOut = components["schemas"]["TakingsOut"];
export type TakingsDay = components["schemas"]["TakingsDayOut"];

/** The longest range the server answers (Beijing days, both ends included). */
export const MAX_DAYS = 92;

export const TAKINGS_PROVIDERS: Record<string, string> = {
  wechat: "微信支付",
  alipay: "支付宝",
  offline: "线下（现金/转账）",
};
export const REFUNDS_SERIES = "退款";

export interface ChartPoint {
  day: string; // "MM-DD": the axis stays short over 92 days
  series: string;
  yuan: number;
}

/** One bar per provider's payments of the day, stacked, and the day's refunds as one bar below zero. */
export function chartPoints(days: TakingsDay[]): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const d of days) {
    const label = d.day.slice(5);
    for (const p of d.providers) {
      points.push({ day: label, series: TAKINGS_PROVIDERS[p.provider] ?? p.provider, yuan: p.paid_fen / 100 });
    }
    points.push({ day: label, series: REFUNDS_SERIES, yuan: -d.refunded_fen / 100 });
  }
  return points;
}

/** The fen of one provider on one day (0 when the day does not list it). */
export function providerFen(day: TakingsDay, provider: string, key: "paid_fen" | "refunded_fen" | "net_fen"): number {
  return day.providers.find((p) => p.provider === provider)?.[key] ?? 0;
}

/** The days of a [from, to] range (YYYY-MM-DD), both ends included; 0 or less when `to` is before `from`. */
export function rangeDays(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000) + 1;
}

/** The table lists the newest day first (the server sends the range in order). */
export function newestFirst(days: TakingsDay[]): TakingsDay[] {
  return days.map((_, i) => days[days.length - 1 - i]);
}
