/** Chinese labels of delivery packages: pure, unit-tested. */

export const NAMING_LABELS: Record<string, string> = {
  id_number: "身份证号.jpg（学信网旧版导入）",
  student_no: "学号.jpg",
  capture_key: "采集编号.jpg",
};

export const STATUS_LABELS: Record<string, { text: string; color: string }> = {
  queued: { text: "排队中", color: "default" },
  running: { text: "生成中", color: "processing" },
  ready: { text: "已完成", color: "success" },
  failed: { text: "失败", color: "error" },
  cancelled: { text: "已取消", color: "warning" },
  superseded: { text: "已被新包取代", color: "default" },
};

export const isActive = (status: string) => status === "queued" || status === "running";

/** The graduation term a package is usually for: June of this year (the term format is YYYY-MM). */
export function defaultTerm(now: Date = new Date()): string {
  return `${now.getFullYear()}-06`;
}

/** A size in bytes as people read it. */
export function humanSize(bytes: number | null | undefined): string {
  if (bytes == null) return "—";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
