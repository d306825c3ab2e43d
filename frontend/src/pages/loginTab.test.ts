import { describe, expect, it } from "vitest";
import { loginPathFor, loginTab } from "./loginTab";

describe("loginTab", () => {
  it("opens the student entry on 学生登录", () => {
    expect(loginTab(null, "/m")).toBe("student");
    expect(loginTab(null, "/m?x=1")).toBe("student");
    expect(loginTab(null, "/m/pass")).toBe("student");
    expect(loginTab("student", null)).toBe("student");
  });
  it("opens everything else on 工作人员登录", () => {
    expect(loginTab(null, null)).toBe("staff");
    expect(loginTab(null, "/students")).toBe("staff");
    expect(loginTab(null, "/mine")).toBe("staff");
    expect(loginTab("staff", "/m")).toBe("staff");
  });
  it("remembers where the visitor was going", () => {
    expect(loginPathFor("/")).toBe("/login");
    expect(loginPathFor("/m")).toBe("/login?redirect=%2Fm");
  });
});
