/**
 * The student data an erratum (勘误) may correct, as the roster service allows it (students.EDITABLE_FIELDS),
 * how each is entered, and a client-side pre-check so an obvious typo is caught before the request. The server
 * checks again by the import's rules and its message wins.
 */
import { LEVELS } from "./rosterLabels";

export type InputKind = "text" | "sex" | "level" | "date" | "id_number";

export interface CorrectableField {
  key: string;
  label: string;
  kind: InputKind;
  placeholder?: string;
}

export const CORRECTABLE_FIELDS: readonly CorrectableField[] = [
  { key: "name", label: "姓名", kind: "text", placeholder: "与身份证件一致" },
  { key: "sex", label: "性别", kind: "sex" },
  { key: "ethnicity", label: "民族", kind: "text", placeholder: "如 汉族" },
  { key: "birth_date", label: "出生日期", kind: "date" },
  { key: "id_number", label: "身份证号", kind: "id_number", placeholder: "18 位身份证号码" },
  { key: "major_name", label: "专业", kind: "text" },
  { key: "level", label: "层次", kind: "level" },
  { key: "duration", label: "学制", kind: "text", placeholder: "年数，如 3 或 2.5" },
  { key: "entry_date", label: "入学日期", kind: "date" },
  { key: "expected_graduation", label: "预计毕业日期", kind: "date" },
  { key: "study_mode", label: "学习形式", kind: "text", placeholder: "如 全日制" },
  { key: "political", label: "政治面貌", kind: "text", placeholder: "如 共青团员" },
  { key: "exam_no", label: "考生号", kind: "text" },
  { key: "phone", label: "手机号", kind: "text", placeholder: "11 位手机号" },
];

export function correctableField(key: string): CorrectableField | undefined {
  return CORRECTABLE_FIELDS.find((f) => f.key === key);
}

/** What a student checks while proofreading, in the order of the diploma record (院校 is not theirs to change). */
export const PROOFREAD_FIELDS: readonly { key: string; label: string; correctable: boolean }[] = [
  { key: "name", label: "姓名", correctable: true },
  { key: "sex", label: "性别", correctable: true },
  { key: "ethnicity", label: "民族", correctable: true },
  { key: "birth_date", label: "出生日期", correctable: true },
  { key: "id_number", label: "身份证号", correctable: true },
  { key: "school_name", label: "院校", correctable: false },
  { key: "major_name", label: "专业", correctable: true },
  { key: "level", label: "层次", correctable: true },
  { key: "duration", label: "学制", correctable: true },
  { key: "entry_date", label: "入学日期", correctable: true },
];

/** A record's value for a field, as text ("" when missing). */
export function fieldText(record: object, key: string): string {
  const value = (record as Record<string, unknown>)[key];
  if (value === null || value === undefined) return "";
  return String(value);
}

/** 学制 shown with its unit: "3" -> "3 年". */
export function durationText(value: string | null | undefined): string {
  if (!value) return "";
  return /^\d+(\.\d+)?$/.test(value) ? `${value} 年` : value;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** GB 11643 check character for the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

function realDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Why a corrected value is not acceptable, or null. `today` is injectable for tests. */
export function checkCorrection(key: string, raw: string, today: Date = new Date()): string | null {
  const value = raw.trim();
  if (!value) return "请输入正确的值";
  const field = correctableField(key);
  if (!field) return "该信息不能通过勘误修改";
  switch (field.kind) {
    case "sex":
      return value === "男" || value === "女" ? null : "性别只能是「男」或「女」";
    case "level":
      return (LEVELS as readonly string[]).includes(value) ? null : "请选择层次";
    case "date": {
      const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
      if (!m || !realDate(Number(m[1]), Number(m[2]), Number(m[3]))) return "请按 YYYY-MM-DD 填写真实日期，如 2001-02-03";
      if (key === "birth_date" && new Date(`${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}T00:00:00Z`) > today) {
        return "出生日期不能晚于今天";
      }
      return null;
    }
    case "id_number": {
      const id = value.toUpperCase();
      if (!/^\d{17}[\dX]$/.test(id)) return "身份证号应为 18 位（最后一位可以是 X）";
      if (!realDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)))) {
        return "身份证号中的出生日期不是有效日期";
      }
      const expected = idCheckDigit(id);
      return id[17] === expected ? null : `身份证号校验位不正确（按前 17 位应为 ${expected}），请逐位核对`;
    }
    default:
      if (key === "phone" && !/^1\d{10}$/.test(value)) return "手机号应为 11 位数字";
      if (key === "duration" && !/^\d+(\.\d+)?$/.test(value)) return "学制填写年数，如 3 或 2.5";
      return value.length > 100 ? "不能超过 100 个字" : null;
  }
}
