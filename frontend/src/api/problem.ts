/**
 * RFC 9457 problem+json as every Tucai service returns it, and the one error type the SPA throws for a failed
 * API call. Pure: no React, no fetch, so it is unit-tested directly.
 */

export interface FieldIssue {
  field?: string | null;
  row?: number | null;
  code: string;
  message_zh: string;
  message_en: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  message_zh?: string;
  message_en?: string;
  instance?: string | null;
  request_id?: string | null;
  errors?: FieldIssue[];
}

/** What to say when the server gave us nothing readable, by HTTP status. */
const STATUS_FALLBACK_ZH: Record<number, string> = {
  400: "请求格式不正确",
  401: "请先登录",
  403: "无权执行此操作",
  404: "请求的资源不存在",
  409: "操作与现有数据冲突",
  413: "上传内容过大",
  422: "提交的内容有误，请检查后重试",
  429: "请求过于频繁，请稍后再试",
  500: "服务器内部错误，请稍后再试",
  502: "服务暂不可用，请稍后再试",
  503: "服务暂不可用，请稍后再试",
  504: "服务响应超时，请稍后再试",
};

export const NETWORK_ERROR_ZH = "无法连接服务器，请检查网络后重试";

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

export function isProblem(body: unknown): body is Problem {
  return typeof body === "object" && body !== null && !Array.isArray(body);
}

/**
 * The message to show a user for a failed response: the server's Chinese message, else its English one, else
 * FastAPI's plain `detail` string, else a Chinese sentence chosen by status.
 */
export function pickMessage(body: unknown, status?: number): string {
  if (isProblem(body)) {
    if (nonEmpty(body.message_zh)) return body.message_zh;
    if (nonEmpty(body.message_en)) return body.message_en;
    if (nonEmpty(body.detail)) return body.detail;
  } else if (nonEmpty(body)) {
    // A proxy's HTML error page is not a message; a short plain-text body is.
    const text = body.trim();
    if (!text.startsWith("<") && text.length <= 200) return text;
  }
  if (status !== undefined) {
    if (STATUS_FALLBACK_ZH[status]) return STATUS_FALLBACK_ZH[status];
    if (status >= 500) return STATUS_FALLBACK_ZH[500];
  }
  return "请求失败，请稍后重试";
}

/** The message for one field issue, Chinese first. */
export function pickIssueMessage(issue: FieldIssue): string {
  return nonEmpty(issue.message_zh) ? issue.message_zh : issue.message_en;
}

/** A failed API call. `message` is what the user should read (Chinese when the server sent it). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  readonly requestId?: string;

  constructor(status: number, body: unknown) {
    super(pickMessage(body, status));
    this.name = "ApiError";
    this.status = status;
    this.problem = isProblem(body) ? body : {};
    this.code = nonEmpty(this.problem.code) ? this.problem.code : status === 0 ? "network_error" : `http_${status}`;
    this.requestId = this.problem.request_id ?? undefined;
  }

  /** Field-level issues (validation, conflicts), if the server sent any. */
  get issues(): FieldIssue[] {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }

  static network(): ApiError {
    return new ApiError(0, { message_zh: NETWORK_ERROR_ZH, message_en: "Network error" });
  }
}

/** The text to show for anything a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && nonEmpty(error.message)) return error.message;
  return pickMessage(error);
}

/**
 * Map field issues onto form field names, e.g. `body.code` / `code` -> `code`. Issues without a field (or for a
 * field the form does not have) come back under `undefined` so the caller can show them as a form-level Alert.
 */
export function issuesByField(
  issues: FieldIssue[],
  fields: readonly string[],
): { byField: Record<string, string[]>; rest: string[] } {
  const byField: Record<string, string[]> = {};
  const rest: string[] = [];
  for (const issue of issues) {
    const name = issue.field?.split(".").pop();
    const message = pickIssueMessage(issue);
    if (name && fields.includes(name)) (byField[name] ??= []).push(message);
    else rest.push(message);
  }
  return { byField, rest };
}
