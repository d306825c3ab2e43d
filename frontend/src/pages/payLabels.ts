/** Money is integer fen in the API; the screen shows yuan with two decimals. Order states in the payer's words. */
import type { components } from "../api/schema/payments";

export type OrderOut = components["schemas"]["OrderOut"];
export type MyFee = components["schemas"]["MyFee"];
export type PayLaunch = components["schemas"]["PayLaunch"];
export type Channel = components["schemas"]["PayIn"]["channel"];
export type ClassSettlement = components["schemas"]["ClassSettlementOut"];

export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return "—";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export const ORDER_STATE: Record<string, { text: string; color: string }> = {
  pending: { text: "待支付", color: "gold" },
  paid: { text: "已支付", color: "green" },
  closed: { text: "已关闭", color: "default" },
  refunded: { text: "已退款", color: "blue" },
};

export const PAYER_MODE: Record<string, string> = {
  student: "学生个人缴费",
  class: "班级统一结算（按实际拍摄人数）",
  school: "学校统一缴费",
};

export const PROVIDER: Record<string, string> = { wechat: "微信支付", alipay: "支付宝" };

/** WeChat's in-app browser: H5 pay does not open there (JSAPI needs the payer's openid). */
export function inWeChat(): boolean {
  return typeof navigator !== "undefined" && /MicroMessenger/i.test(navigator.userAgent);
}
