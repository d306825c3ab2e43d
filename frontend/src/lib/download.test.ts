import { describe, expect, it } from "vitest";
import { filenameFromDisposition } from "./download";

describe("filenameFromDisposition", () => {
  it("decodes RFC 5987 UTF-8 names (how the server sends Chinese file names)", () => {
    const header = `attachment; filename*=UTF-8''${encodeURIComponent("r-问题标注.xlsx")}`;
    expect(filenameFromDisposition(header, "x.xlsx")).toBe("r-问题标注.xlsx");
  });

  it("reads a plain quoted or bare filename", () => {
    expect(filenameFromDisposition('attachment; filename="BP-10403-2026-000001-7.pdf"', "x.pdf")).toBe(
      "BP-10403-2026-000001-7.pdf",
    );
    expect(filenameFromDisposition("attachment; filename=list.xlsx", "x")).toBe("list.xlsx");
  });

  it("prefers filename* over filename when both are given", () => {
    expect(filenameFromDisposition(`attachment; filename="a.xlsx"; filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx`, "x")).toBe(
      "名单.xlsx",
    );
  });

  it("falls back when the header is missing, empty or broken, and never keeps a path", () => {
    expect(filenameFromDisposition(null, "默认.xlsx")).toBe("默认.xlsx");
    expect(filenameFromDisposition("attachment", "默认.xlsx")).toBe("默认.xlsx");
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E5%90", "默认.xlsx")).toBe("默认.xlsx");
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"', "x")).toBe("passwd");
  });
});
