import { describe, expect, it } from "vitest";

import { inertText } from "./inert";

describe("inertText", () => {
  it("prefixes what a spreadsheet would run, as the services do", () => {
    for (const text of ['=HYPERLINK("http://evil.test","点我")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3+cmd|x",
      "@SUM(1,2)", "\t=1+1", "\r=1+1", "\n=1+1", "＝1+1", "＋SUM(1)", "－2+cmd|x", "＠SUM(1)", " =1+1", "\u3000=1+1"]) {
      expect(inertText(text)).toBe(`'${text}`);
    }
  });

  it("leaves names, numbers and the registrars' text constants alone", () => {
    for (const text of ["王明", "计算机科学与技术", "-5", "+86 138 0000 0000", "3.5", "'=1", "", '="36010220000101001X"',
      "a=1"]) {
      expect(inertText(text)).toBe(text);
    }
    expect(inertText("\u0000=1+1")).toBe("'=1+1");
  });
});
