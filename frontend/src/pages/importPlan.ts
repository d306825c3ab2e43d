/**
 * The roster import wizard's logic, free of React: which files to accept before uploading, which step a job is
 * at, what the commit button offers, and the issue list's query. Unit-tested.
 */

export const ROSTER_EXTENSIONS = [".xls", ".xlsx", ".csv", ".dbf"] as const;
export const ROSTER_ACCEPT = ROSTER_EXTENSIONS.join(",");
/** The server refuses anything larger (importing.MAX_BYTES); refusing it here saves a long upload. */
export const MAX_ROSTER_BYTES = 50 * 2 ** 20;

/** Why a file cannot be uploaded as a roster, or null when it may be. */
export function checkRosterFile(file: { name: string; size: number }): string | null {
  const name = file.name.trim().toLowerCase();
  const dot = name.lastIndexOf(".");
  const ext = dot >= 0 ? name.slice(dot) : "";
  if (!(ROSTER_EXTENSIONS as readonly string[]).includes(ext)) {
    if (ext === ".xlsb" || ext === ".ods" || ext === ".et" || ext === ".numbers") {
      return `不支持 ${ext} 格式，请在 Excel 或 WPS 中另存为 .xlsx 后上传`;
    }
    return "请上传 .xls、.xlsx、.csv 或 .dbf 格式的名单文件";
  }
  if (file.size === 0) return "文件是空的，请检查后重新选择";
  if (file.size > MAX_ROSTER_BYTES) {
    return `文件大小 ${(file.size / 2 ** 20).toFixed(1)} MB 超过 50 MB 上限，请按学院拆分后分别导入`;
  }
  return null;
}

export type WizardStep = 0 | 1 | 2 | 3;

/** 0 上传文件 → 1 校验 → 2 校验报告/确认导入 → 3 完成. A failed or discarded job goes back to the upload. */
export function stepOf(status: string | null | undefined): WizardStep {
  switch (status) {
    case "validating":
      return 1;
    case "validated":
      return 2;
    case "committed":
      return 3;
    default:
      return 0;
  }
}

/** Validation progress as a whole percentage (0–100). */
export function progressPercent(job: { progress: number; rows: number; status: string }): number {
  if (job.status !== "validating") return 100;
  if (job.rows <= 0) return 0;
  return Math.min(99, Math.max(0, Math.floor((job.progress / job.rows) * 100)));
}

export interface CommitPlan {
  /** Commit everything (no errors): one button. */
  commitAll: boolean;
  /** Errors exist: offer to import only the good rows (skip_error_rows=true). */
  skipErrors: boolean;
  /** How many rows would be imported. */
  goodRows: number;
}

export function commitPlan(job: { status: string; errors: number; accepted: number }): CommitPlan {
  if (job.status !== "validated") return { commitAll: false, skipErrors: false, goodRows: 0 };
  if (job.errors > 0) return { commitAll: false, skipErrors: job.accepted > 0, goodRows: job.accepted };
  return { commitAll: job.accepted > 0, skipErrors: false, goodRows: job.accepted };
}

export type SeverityFilter = "all" | "error" | "warning";

/** Query parameters for GET /imports/{id}/issues for a table page (1-based) and a severity filter. */
export function issueQuery(page: number, pageSize: number, severity: SeverityFilter): {
  offset: number;
  limit: number;
  severity?: string;
} {
  const size = Math.min(1000, Math.max(1, Math.floor(pageSize)));
  const offset = Math.max(0, (Math.max(1, Math.floor(page)) - 1) * size);
  return severity === "all" ? { offset, limit: size } : { offset, limit: size, severity };
}
