/**
 * Chinese labels and tag colours for the roster's states (student review, batch, import job, errata, issue
 * severity, rule flags). Pure data + functions, shared by the school, province and student pages, unit-tested.
 * An unknown value from a newer server is shown as itself in a neutral tag, never hidden.
 */

export interface TagSpec {
  label: string;
  /** antd Tag colour: a preset status ("success", "processing", …) or a colour name. */
  color: string;
}

function pick(table: Record<string, TagSpec>, value: string | null | undefined): TagSpec {
  if (value && Object.hasOwn(table, value)) return table[value];
  return { label: value || "—", color: "default" };
}

/** A student's review status as the school sees it. */
export const REVIEW_STATUS: Record<string, TagSpec> = {
  imported: { label: "待提交", color: "default" },
  submitted: { label: "审核中", color: "processing" },
  approved: { label: "已通过", color: "success" },
  rejected: { label: "未通过", color: "error" },
};

export function reviewStatusTag(status: string | null | undefined): TagSpec {
  return pick(REVIEW_STATUS, status);
}

/** One student's decision inside a review batch. */
export const DECISION: Record<string, TagSpec> = {
  pending: { label: "待审核", color: "processing" },
  approved: { label: "已通过", color: "success" },
  rejected: { label: "未通过", color: "error" },
};

export function decisionTag(decision: string | null | undefined): TagSpec {
  return pick(DECISION, decision);
}

/** A batch: pending while any student waits; once decided, whether everyone, no one or some passed. */
export function batchStatusTag(batch: { status: string; approved: number; rejected: number; pending: number }): TagSpec {
  if (batch.status === "pending" || batch.pending > 0) {
    const decided = batch.approved + batch.rejected;
    return { label: decided > 0 ? `审核中（已审 ${decided} 人）` : "审核中", color: "processing" };
  }
  if (batch.status !== "decided") return { label: batch.status || "—", color: "default" };
  if (batch.rejected === 0) return { label: "已通过", color: "success" };
  if (batch.approved === 0) return { label: "未通过", color: "error" };
  return { label: "部分通过", color: "warning" };
}

export const IMPORT_STATUS: Record<string, TagSpec> = {
  validating: { label: "校验中", color: "processing" },
  validated: { label: "待确认导入", color: "warning" },
  committed: { label: "已导入", color: "success" },
  failed: { label: "失败", color: "error" },
  discarded: { label: "已放弃", color: "default" },
};

export function importStatusTag(status: string | null | undefined): TagSpec {
  return pick(IMPORT_STATUS, status);
}

/** Why a validation in the background failed (the job carries only the code). */
const IMPORT_FAILURE: Record<string, string> = {
  validation_interrupted: "校验过程中服务重启，校验未完成，请重新上传该文件",
  file_corrupt: "文件已损坏，无法读取。请用 Excel 打开确认无误后重新保存上传",
  file_empty: "文件中没有学生数据",
  file_encrypted: "文件设置了打开密码，请在 Excel 中取消密码后重新上传",
  file_truncated: "文件不完整（可能上传时被截断），请重新保存后上传",
  file_too_many_rows: "文件行数超过上限，请按学院拆分成多个文件分别导入",
  file_too_large: "文件超过大小上限，请按学院拆分后分别导入",
  file_headers_unrecognised: "没有找到名单的表头（学号、姓名、性别、身份证号、层次等列）",
  file_not_spreadsheet: "文件不是电子表格，请上传 .xls、.xlsx、.csv 或 .dbf 格式的名单",
  file_encoding_unknown: "无法识别 CSV 文件的文字编码（支持 UTF-8 和 GBK）",
  file_zip_bomb: "文件解压后体积异常，已拒绝读取",
};

export function importFailureMessage(code: string | null | undefined): string {
  if (code && Object.hasOwn(IMPORT_FAILURE, code)) return IMPORT_FAILURE[code];
  return code ? `文件校验失败（${code}），请检查文件后重新上传` : "文件校验失败，请检查文件后重新上传";
}

export const SEVERITY: Record<string, TagSpec> = {
  error: { label: "错误", color: "red" },
  warning: { label: "警告", color: "orange" },
};

export function severityTag(severity: string | null | undefined): TagSpec {
  return pick(SEVERITY, severity);
}

export const ERRATUM_STATUS: Record<string, TagSpec> = {
  pending: { label: "待处理", color: "processing" },
  approved: { label: "已通过", color: "success" },
  rejected: { label: "已驳回", color: "error" },
};

export function erratumStatusTag(status: string | null | undefined): TagSpec {
  return pick(ERRATUM_STATUS, status);
}

export const ERRATUM_SOURCE: Record<string, string> = {
  proofreading: "学生校对",
  school: "学校",
};

/** Where a change in a student's history came from. */
export const CHANGE_SOURCE: Record<string, string> = {
  import: "名单导入",
  errata: "勘误",
  school: "学校",
};

/** Short names of the province's rule flags; the server's message says the details. */
export const FLAG_LABELS: Record<string, string> = {
  level_not_in_campaign: "层次不在范围",
  graduation_outside_term: "毕业时间不符",
  part_time_excluded: "非全日制",
  captured_in_earlier_term: "往届已采集",
  duplicate_in_province: "省内重复",
  // Warnings the import gave on the student's row (carried into the review).
  id_number_legacy_15: "15位身份证号",
  sex_from_id: "性别取自身份证",
  birth_date_implausible: "年龄异常",
  date_month_only: "日期缺日",
  major_code_zero_padded: "专业代码补零",
  phone_invalid: "手机号无效",
  document_type_mismatch: "证件类型存疑",
};

export function flagLabel(code: string): string {
  return Object.hasOwn(FLAG_LABELS, code) ? FLAG_LABELS[code] : "需关注";
}

export const SECOND_FACTORS: { value: string; label: string }[] = [
  { value: "id_last6", label: "身份证号后六位" },
  { value: "birth_date", label: "出生日期（8 位，如 20010203）" },
  { value: "exam_no_last6", label: "考生号后六位" },
];

export function secondFactorHint(value: string | null | undefined): string {
  switch (value) {
    case "birth_date":
      return "出生日期 8 位数字，如 20010203";
    case "exam_no_last6":
      return "考生号后六位";
    default:
      return "身份证号后六位";
  }
}

export const COORDINATOR_KINDS: Record<string, string> = {
  college_teacher: "院系联络老师",
  class_student: "班级联络学生",
};

/** Levels (层次) the national code table knows, in the order registrars expect. */
export const LEVELS = ["博士研究生", "硕士研究生", "第二学士学位", "本科", "专科", "高起本", "专升本", "高起专"] as const;
