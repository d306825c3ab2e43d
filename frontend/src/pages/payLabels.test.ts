import { describe, expect, it } from "vitest";
import { yuan } from "./payLabels";

describe("yuan", () => {
  it("shows fen as yuan without floats", () => {
    expect(yuan(1500)).toBe("¥15.00");
    expect(yuan(1)).toBe("¥0.01");
    expect(yuan(3005)).toBe("¥30.05");
    expect(yuan(-250)).toBe("-¥2.50");
    expect(yuan(null)).toBe("—");
  });
});
