import { describe, expect, it } from "vitest";
import { PROVINCES, provinceName } from "./regions";

describe("provinceName", () => {
  it("maps GB/T 2260 codes", () => {
    expect(provinceName("36")).toBe("江西省");
    expect(provinceName("360000")).toBe("江西省");
    expect(provinceName("99")).toBe("99");
    expect(provinceName(null)).toBe("—");
  });

  it("has the 34 province-level divisions, each a two-digit code", () => {
    expect(Object.keys(PROVINCES)).toHaveLength(34);
    expect(Object.keys(PROVINCES).every((code) => /^\d{2}$/.test(code))).toBe(true);
  });
});
