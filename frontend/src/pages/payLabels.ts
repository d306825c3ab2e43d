/** Money is integer fen in the API; the screen shows yuan with two decimals. Order states in the payer's words. */
import type { components } from "../api/schema/payments";

export type OrderOut = components["schemas"]["OrderOut"];
export type MyFee = components["schemas"]["MyFee"];
export type PayLaunch = components["schemas"]["PayLaunch"];
export type Channel = components["schemas"]["PayIn"]["channel"];
export type ClassSettlement = components["schemas"]["ClassSettlementOut"];
export type SchoolPrepayment = components["schemas"]["SchoolPrepaymentOut"];
export type PcChannel = components["schemas"]["PrepayIn"]["channel"];

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

/** Where money came from: a provider, or staff who took it by hand (cash, transfer) and entered it. */
export const PROVIDER: Record<string, string> = { wechat: "微信支付", alipay: "支付宝", offline: "线下收款（现金/转账）" };

/** WeChat's in-app browser: H5 pay does not open there (JSAPI needs the payer's openid). */
export function inWeChat(): boolean {
  return typeof navigator !== "undefined" && /MicroMessenger/i.test(navigator.userAgent);
}

/** What the school's prepayment page offers: nothing (another payer pays, or no approved student yet), paying,
 * or the paid order (with students approved since, collected at reconciliation). */
export type PrepayStep = "other_payer" | "nothing_due" | "payable" | "paid";

export function prepayStep(p: Pick<SchoolPrepayment, "payer_mode" | "due_fen" | "order">): PrepayStep {
  if (p.payer_mode !== "school") return "other_payer";
  if (p.order?.state === "paid" || p.order?.state === "refunded") return "paid";
  return p.due_fen > 0 ? "payable" : "nothing_due";
}

/** A WeChat Native code only WeChat opens (weixin://…); the sandbox's is its cashier's web address. */
export function isWebAddress(code: string): boolean {
  return /^https?:\/\//i.test(code);
}

/** The fee's breakdown as one line: 采集服务费 ¥15.00 + 照片制作费 ¥5.00. */
export function breakdownLine(items: readonly { label: string; amount_fen: number }[]): string {
  return items.map((i) => `${i.label} ${yuan(i.amount_fen)}`).join(" + ");
}
