import { describe, expect, it } from "vitest";
import { defaultTerm, humanSize, isActive, NAMING_LABELS, STATUS_LABELS } from "./deliveryLabels";

describe("delivery labels", () => {
  it("names every naming pattern and status in Chinese", () => {
    expect(NAMING_LABELS.id_number).toContain("身份证号");
    expect(Object.keys(STATUS_LABELS)).toEqual(["queued", "running", "ready", "failed", "cancelled", "superseded"]);
  });
  it("knows which packages are still being made", () => {
    expect(isActive("queued") && isActive("running")).toBe(true);
    expect(["ready", "failed", "cancelled", "superseded"].some(isActive)).toBe(false);
  });
  it("defaults to the June term and prints sizes", () => {
    expect(defaultTerm(new Date(2026, 11, 7))).toBe("2026-06");
    expect(humanSize(null)).toBe("—");
    expect(humanSize(512)).toBe("512 B");
    expect(humanSize(2048)).toBe("2.0 KB");
    expect(humanSize(3 * 1024 * 1024)).toBe("3.0 MB");
  });
});
