import { describe, expect, it } from "vitest";
import { checkCorrection, durationText, fieldText, idCheckDigit, CORRECTABLE_FIELDS, PROOFREAD_FIELDS } from "./correctable";
import { checkRosterFile, commitPlan, issueQuery, progressPercent, stepOf } from "./importPlan";
import { filterReviewItems, totals } from "./reviewFilter";
import {
  batchStatusTag,
  decisionTag,
  erratumStatusTag,
  flagLabel,
  importFailureMessage,
  importStatusTag,
  reviewStatusTag,
  secondFactorHint,
  severityTag,
} from "./rosterLabels";
import { sortSubjects } from "./subjectOrder";

describe("status -> tag", () => {
  it("labels a student's review status in Chinese with the right colour", () => {
    expect(reviewStatusTag("imported")).toEqual({ label: "待提交", color: "default" });
    expect(reviewStatusTag("submitted")).toEqual({ label: "审核中", color: "processing" });
    expect(reviewStatusTag("approved")).toEqual({ label: "已通过", color: "success" });
    expect(reviewStatusTag("rejected")).toEqual({ label: "未通过", color: "error" });
  });

  it("shows an unknown value as itself, never hides it, and ignores inherited keys", () => {
    expect(reviewStatusTag("archived")).toEqual({ label: "archived", color: "default" });
    expect(reviewStatusTag(null).label).toBe("—");
    expect(reviewStatusTag("toString").label).toBe("toString");
    expect(flagLabel("constructor")).toBe("需关注");
  });

  it("tags issue severity red and orange", () => {
    expect(severityTag("error")).toEqual({ label: "错误", color: "red" });
    expect(severityTag("warning")).toEqual({ label: "警告", color: "orange" });
  });

  it("sums a batch up: pending, all passed, none passed, some passed", () => {
    const b = (status: string, approved: number, rejected: number, pending: number) => ({ status, approved, rejected, pending });
    expect(batchStatusTag(b("pending", 0, 0, 3))).toEqual({ label: "审核中", color: "processing" });
    expect(batchStatusTag(b("pending", 1, 1, 1)).label).toBe("审核中（已审 2 人）");
    expect(batchStatusTag(b("decided", 3, 0, 0))).toEqual({ label: "已通过", color: "success" });
    expect(batchStatusTag(b("decided", 0, 3, 0))).toEqual({ label: "未通过", color: "error" });
    expect(batchStatusTag(b("decided", 2, 1, 0))).toEqual({ label: "部分通过", color: "warning" });
  });

  it("labels decisions, imports, errata, flags and sign-in factors", () => {
    expect(decisionTag("pending").label).toBe("待审核");
    expect(importStatusTag("validated").label).toBe("待确认导入");
    expect(importStatusTag("committed").color).toBe("success");
    expect(erratumStatusTag("rejected").label).toBe("已驳回");
    expect(flagLabel("part_time_excluded")).toBe("非全日制");
    expect(flagLabel("duplicate_in_province")).toBe("省内重复");
    expect(secondFactorHint("birth_date")).toContain("出生日期");
    expect(secondFactorHint(undefined)).toBe("身份证号后六位");
  });

  it("explains a failed validation by its code", () => {
    expect(importFailureMessage("validation_interrupted")).toContain("重新上传");
    expect(importFailureMessage("file_encrypted")).toContain("密码");
    expect(importFailureMessage("something_new")).toContain("something_new");
    expect(importFailureMessage(null)).toContain("校验失败");
  });
});

describe("roster file check before upload", () => {
  it("accepts the four formats registrars produce, in any case", () => {
    for (const name of ["名单.xls", "名单.XLSX", "roster.csv", "export.dbf"]) {
      expect(checkRosterFile({ name, size: 1024 })).toBeNull();
    }
  });

  it("refuses other files with a Chinese reason", () => {
    expect(checkRosterFile({ name: "名单.xlsb", size: 10 })).toContain("另存为 .xlsx");
    expect(checkRosterFile({ name: "名单.et", size: 10 })).toContain("另存为 .xlsx");
    expect(checkRosterFile({ name: "照片.jpg", size: 10 })).toContain(".xls、.xlsx、.csv 或 .dbf");
    expect(checkRosterFile({ name: "名单", size: 10 })).not.toBeNull();
    expect(checkRosterFile({ name: "空.csv", size: 0 })).toContain("空");
    expect(checkRosterFile({ name: "大.xlsx", size: 51 * 2 ** 20 })).toContain("50 MB");
  });
});

describe("import wizard", () => {
  it("maps a job's status to its step", () => {
    expect(stepOf(undefined)).toBe(0);
    expect(stepOf("validating")).toBe(1);
    expect(stepOf("validated")).toBe(2);
    expect(stepOf("committed")).toBe(3);
    expect(stepOf("failed")).toBe(0);
  });

  it("shows progress that never claims 100% before validation ends", () => {
    expect(progressPercent({ status: "validating", progress: 0, rows: 0 })).toBe(0);
    expect(progressPercent({ status: "validating", progress: 2000, rows: 8000 })).toBe(25);
    expect(progressPercent({ status: "validating", progress: 8000, rows: 8000 })).toBe(99);
    expect(progressPercent({ status: "validated", progress: 8000, rows: 8000 })).toBe(100);
  });

  it("offers 仅导入无误的 N 行 only when there are errors and good rows", () => {
    expect(commitPlan({ status: "validated", errors: 0, accepted: 10 })).toEqual({ commitAll: true, skipErrors: false, goodRows: 10 });
    expect(commitPlan({ status: "validated", errors: 2, accepted: 8 })).toEqual({ commitAll: false, skipErrors: true, goodRows: 8 });
    expect(commitPlan({ status: "validated", errors: 5, accepted: 0 })).toEqual({ commitAll: false, skipErrors: false, goodRows: 0 });
    expect(commitPlan({ status: "committed", errors: 0, accepted: 10 }).commitAll).toBe(false);
  });

  it("pages and filters the issue list through the API's offset, limit and severity", () => {
    expect(issueQuery(1, 20, "all")).toEqual({ offset: 0, limit: 20 });
    expect(issueQuery(3, 50, "error")).toEqual({ offset: 100, limit: 50, severity: "error" });
    expect(issueQuery(0, 5000, "warning")).toEqual({ offset: 0, limit: 1000, severity: "warning" });
  });
});

describe("review batch view", () => {
  const items = [
    { id: "a", decision: "pending", flags: [{ code: "part_time_excluded" }] },
    { id: "b", decision: "pending", flags: [] },
    { id: "c", decision: "approved", flags: [{ code: "graduation_outside_term" }] },
    { id: "d", decision: "rejected", flags: [] },
  ];
  const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

  it("shows only flagged students when asked", () => {
    expect(ids(filterReviewItems(items, { onlyFlagged: true, decision: "all" }))).toEqual(["a", "c"]);
    expect(ids(filterReviewItems(items, { onlyFlagged: false, decision: "all" }))).toEqual(["a", "b", "c", "d"]);
  });

  it("combines the flag filter with the decision filter", () => {
    expect(ids(filterReviewItems(items, { onlyFlagged: true, decision: "pending" }))).toEqual(["a"]);
    expect(ids(filterReviewItems(items, { onlyFlagged: false, decision: "rejected" }))).toEqual(["d"]);
  });

  it("adds up per-school counts for the totals row", () => {
    const rows = [
      { approved: 58, submitted: 25, imported: 0, rejected: 0 },
      { approved: 0, submitted: 0, imported: 32, rejected: 1 },
    ];
    expect(totals(rows, ["approved", "submitted", "imported", "rejected"] as const)).toEqual({
      approved: 58,
      submitted: 25,
      imported: 32,
      rejected: 1,
    });
    expect(totals([], ["approved"] as const)).toEqual({ approved: 0 });
  });
});

describe("agency queue order", () => {
  it("orders by school, college, class, then roster order; unplaced students last", () => {
    const s = (school_code: string, college_name: string | null, class_no: string | null, roster_order: number) => ({
      school_code,
      college_name,
      class_no,
      roster_order,
    });
    const sorted = sortSubjects(
      [s("10405", "核学院", "HK1", 1), s("10403", "信息工程学院", "XG2", 1), s("10403", "信息工程学院", "XG1", 2),
        s("10403", "信息工程学院", "XG1", 1), s("10403", null, null, 1)],
      new Map([["10403", "南昌大学"], ["10405", "东华理工大学"]]),
    );
    expect(sorted.map((x) => `${x.school_code}/${x.class_no}/${x.roster_order}`)).toEqual([
      "10405/HK1/1", // 东华理工大学 sorts before 南昌大学 by pinyin
      "10403/XG1/1",
      "10403/XG1/2",
      "10403/XG2/1",
      "10403/null/1",
    ]);
  });
});

describe("errata (勘误) corrections", () => {
  const today = new Date("2026-06-01T00:00:00Z");

  it("computes the GB 11643 check character", () => {
    expect(idCheckDigit("11010519491231002")).toBe("X");
    expect(idCheckDigit("36070220020422408")).toBe("1");
  });

  it("accepts a valid 18-digit number (lower-case x too) and explains a wrong check digit", () => {
    expect(checkCorrection("id_number", "11010519491231002x", today)).toBeNull();
    expect(checkCorrection("id_number", "110105194912310021", today)).toContain("按前 17 位应为 X");
    expect(checkCorrection("id_number", "11010519491231002", today)).toContain("18 位");
    expect(checkCorrection("id_number", "110105194902300021", today)).toContain("出生日期");
  });

  it("checks dates, sex, level, phone and duration", () => {
    expect(checkCorrection("birth_date", "2001-02-03", today)).toBeNull();
    expect(checkCorrection("birth_date", "2001-02-30", today)).toContain("YYYY-MM-DD");
    expect(checkCorrection("birth_date", "2030-01-01", today)).toContain("不能晚于今天");
    expect(checkCorrection("entry_date", "20230901", today)).toContain("YYYY-MM-DD");
    expect(checkCorrection("sex", "男", today)).toBeNull();
    expect(checkCorrection("sex", "M", today)).toContain("男");
    expect(checkCorrection("level", "硕士研究生", today)).toBeNull();
    expect(checkCorrection("level", "硕士", today)).not.toBeNull();
    expect(checkCorrection("phone", "1380000000", today)).toContain("11 位");
    expect(checkCorrection("duration", "三年", today)).toContain("年数");
    expect(checkCorrection("name", "  ", today)).not.toBeNull();
    expect(checkCorrection("school_name", "别的大学", today)).toContain("不能");
  });

  it("lists the fields a student proofreads; 院校 is not theirs to correct", () => {
    expect(PROOFREAD_FIELDS.map((f) => f.label)).toEqual([
      "姓名", "性别", "民族", "出生日期", "身份证号", "院校", "专业", "层次", "学制", "入学日期",
    ]);
    const correctable = new Set(CORRECTABLE_FIELDS.map((f) => f.key));
    for (const f of PROOFREAD_FIELDS) expect(correctable.has(f.key)).toBe(f.correctable);
  });

  it("shows record values as text", () => {
    expect(fieldText({ name: "王小明", birth_date: null }, "name")).toBe("王小明");
    expect(fieldText({ name: "王小明", birth_date: null }, "birth_date")).toBe("");
    expect(durationText("3")).toBe("3 年");
    expect(durationText("2.5")).toBe("2.5 年");
    expect(durationText("三年制")).toBe("三年制");
    expect(durationText(null)).toBe("");
  });
});
