import { describe, expect, it } from "vitest";
import { formatDateTime } from "./time";

describe("formatDateTime", () => {
  it("shows UTC timestamps in Beijing time", () => {
    expect(formatDateTime("2026-03-01T16:30:00Z")).toBe("2026-03-02 00:30");
    expect(formatDateTime("2026-03-01T16:30:00+00:00")).toBe("2026-03-02 00:30");
    expect(formatDateTime("2026-03-02T00:30:00+08:00")).toBe("2026-03-02 00:30");
  });

  it("treats a timestamp without offset as UTC", () => {
    expect(formatDateTime("2026-03-01T16:30:00.123456")).toBe("2026-03-02 00:30");
  });

  it("renders missing or invalid values as a dash", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("")).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });
});
