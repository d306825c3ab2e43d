import { describe, expect, it } from "vitest";
import { changes, snapshot } from "./notice";

const errata = [{ id: "e1", field_label: "姓名", status: "approved" }];

describe("changes", () => {
  it("says what was decided since the last look", () => {
    const before = { "erratum:e1": "pending", proof: "not_photographed" };
    const now = snapshot({ state: "to_proofread", reports: [] }, errata);
    expect(changes(before, now, errata)).toEqual(["你的照片已上传，请校对", "「姓名」更正已通过"]);
  });
  it("is quiet when nothing changed", () => {
    const now = snapshot(null, errata);
    expect(changes(now, now, errata)).toEqual([]);
  });
  it("reports a resolved retake", () => {
    const proof = { state: "reported", reports: [{ id: "r1", state: "resolved" }] };
    expect(changes({ proof: "reported", "report:r1": "open" }, snapshot(proof, []), [])).toEqual(["你提交的照片问题已处理"]);
  });
});
