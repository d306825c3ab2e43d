import { describe, expect, it } from "vitest";
import { breakdownLine, isWebAddress, prepayStep, yuan } from "./payLabels";

describe("yuan", () => {
  it("shows fen as yuan without floats", () => {
    expect(yuan(1500)).toBe("¥15.00");
    expect(yuan(1)).toBe("¥0.01");
    expect(yuan(3005)).toBe("¥30.05");
    expect(yuan(-250)).toBe("-¥2.50");
    expect(yuan(null)).toBe("—");
  });
});

describe("the school's prepayment", () => {
  const paidOrder = { state: "paid" } as NonNullable<Parameters<typeof prepayStep>[0]["order"]>;

  it("offers paying only when the school pays and something is due", () => {
    expect(prepayStep({ payer_mode: "student", due_fen: 0, order: null })).toBe("other_payer");
    expect(prepayStep({ payer_mode: null, due_fen: 0, order: null })).toBe("other_payer");
    expect(prepayStep({ payer_mode: "school", due_fen: 0, order: null })).toBe("nothing_due");
    expect(prepayStep({ payer_mode: "school", due_fen: 116000, order: null })).toBe("payable");
    expect(prepayStep({ payer_mode: "school", due_fen: 116000, order: { ...paidOrder, state: "pending" } })).toBe("payable");
    expect(prepayStep({ payer_mode: "school", due_fen: 120000, order: paidOrder })).toBe("paid");
    expect(prepayStep({ payer_mode: "school", due_fen: 120000, order: { ...paidOrder, state: "refunded" } })).toBe("paid");
  });

  it("links only a web address, never a weixin:// code", () => {
    expect(isWebAddress("http://127.0.0.1:8000/api/payments/sandbox/cashier/wechat/SCH1")).toBe(true);
    expect(isWebAddress("weixin://wxpay/bizpayurl?pr=p4lpSuKzz")).toBe(false);
    expect(isWebAddress("javascript:alert(1)")).toBe(false);
  });

  it("writes the breakdown in yuan", () => {
    expect(breakdownLine([{ label: "采集服务费", amount_fen: 1500 }, { label: "照片制作费", amount_fen: 500 }]))
      .toBe("采集服务费 ¥15.00 + 照片制作费 ¥5.00");
    expect(breakdownLine([])).toBe("");
  });
});
