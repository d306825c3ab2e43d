import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, issuesByField, NETWORK_ERROR_ZH, pickMessage } from "./problem";

const problem = {
  type: "https://tucai.cn/problems/invalid_credentials",
  title: "Unauthorized",
  status: 401,
  detail: "Wrong username or password",
  code: "invalid_credentials",
  message_zh: "用户名或密码错误",
  message_en: "Wrong username or password",
  request_id: "req-1",
  errors: [],
};

describe("pickMessage", () => {
  it("prefers the Chinese message", () => {
    expect(pickMessage(problem, 401)).toBe("用户名或密码错误");
  });

  it("falls back to the English message, then detail", () => {
    expect(pickMessage({ ...problem, message_zh: "" }, 401)).toBe("Wrong username or password");
    expect(pickMessage({ detail: "Not Found" }, 404)).toBe("Not Found");
  });

  it("ignores blank strings and HTML error pages, using a Chinese sentence by status", () => {
    expect(pickMessage({ message_zh: "  ", message_en: "" }, 403)).toBe("无权执行此操作");
    expect(pickMessage("<html><body>502 Bad Gateway</body></html>", 502)).toBe("服务暂不可用，请稍后再试");
    expect(pickMessage(undefined, 599)).toBe("服务器内部错误，请稍后再试");
    expect(pickMessage(null)).toBe("请求失败，请稍后重试");
  });

  it("uses a short plain-text body as it is", () => {
    expect(pickMessage("rate limited", 418)).toBe("rate limited");
  });
});

describe("ApiError", () => {
  it("carries status, code, request id and the picked message", () => {
    const err = new ApiError(401, problem);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe("用户名或密码错误");
    expect(err.status).toBe(401);
    expect(err.code).toBe("invalid_credentials");
    expect(err.requestId).toBe("req-1");
    expect(errorMessage(err)).toBe("用户名或密码错误");
  });

  it("invents a code when the body has none", () => {
    expect(new ApiError(500, "oops").code).toBe("http_500");
    expect(ApiError.network().code).toBe("network_error");
    expect(ApiError.network().message).toBe(NETWORK_ERROR_ZH);
  });
});

describe("issuesByField", () => {
  it("maps dotted fields to form names and keeps the rest", () => {
    const { byField, rest } = issuesByField(
      [
        { field: "body.code", code: "college_code_taken", message_zh: "院系代码已存在", message_en: "taken" },
        { field: "name", code: "too_long", message_zh: "", message_en: "Name is too long" },
        { field: null, code: "x", message_zh: "其他问题", message_en: "other" },
        { field: "body.unknown", code: "y", message_zh: "未知字段", message_en: "unknown" },
      ],
      ["code", "name"],
    );
    expect(byField).toEqual({ code: ["院系代码已存在"], name: ["Name is too long"] });
    expect(rest).toEqual(["其他问题", "未知字段"]);
  });
});
