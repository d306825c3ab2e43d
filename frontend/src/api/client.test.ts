import createFetchClient from "openapi-fetch";
import { beforeEach, describe, expect, it } from "vitest";
import { session } from "../auth/session";
import { apiMiddleware, MAX_RETRY_WAIT_MS, retryDelayMs } from "./client";
import { ApiError } from "./problem";
import type { paths } from "./schema/roster";

function clientAnswering(status: number, body: unknown, seen: Request[] = []) {
  const client = createFetchClient<paths>({
    baseUrl: "http://tucai.test",
    fetch: async (request: Request) => {
      seen.push(request);
      return new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { "Content-Type": status < 300 ? "application/json" : "application/problem+json" },
      });
    },
  });
  client.use(apiMiddleware);
  return client;
}

const invalidCredentials = {
  type: "https://tucai.cn/problems/invalid_credentials",
  title: "Unauthorized",
  status: 401,
  detail: "Wrong username or password",
  code: "invalid_credentials",
  message_zh: "用户名或密码错误",
  message_en: "Wrong username or password",
  errors: [],
};

// Each test starts signed out by the user's own choice.
beforeEach(() => {
  session.start("reset", 60);
  session.clear("user");
});

describe("apiMiddleware", () => {
  it("sends the bearer token", async () => {
    session.start("tok-1", 3600);
    const seen: Request[] = [];
    await clientAnswering(200, { items: [], total: 0 }, seen).GET("/api/roster/v1/schools");
    expect(seen[0].headers.get("Authorization")).toBe("Bearer tok-1");
  });

  it("turns problem+json into an ApiError with the Chinese message", async () => {
    const call = clientAnswering(409, { ...invalidCredentials, status: 409, code: "college_code_taken", message_zh: "院系代码已存在" })
      .POST("/api/roster/v1/colleges", { body: { code: "07", name: "信息工程学院" } });
    await expect(call).rejects.toBeInstanceOf(ApiError);
    await expect(call).rejects.toMatchObject({ status: 409, code: "college_code_taken", message: "院系代码已存在" });
  });

  it("ends the session on a 401 to an authenticated call", async () => {
    session.start("tok-2", 3600);
    await expect(clientAnswering(401, invalidCredentials).GET("/api/roster/v1/me")).rejects.toBeInstanceOf(ApiError);
    expect(session.get()).toBeNull();
    expect(session.logoutReason()).toBe("expired");
  });

  it("refreshes once on a 401, retries with the new token and keeps the session", async () => {
    session.start("stale", 1800, "refresh-1", 86400);
    const seen: string[] = [];
    const refreshBodies: unknown[] = [];
    const client = createFetchClient<paths>({
      baseUrl: "http://tucai.test",
      fetch: async (request: Request) => {
        const auth = request.headers.get("Authorization") ?? "";
        seen.push(`${request.method} ${new URL(request.url).pathname} ${auth}`);
        if (request.url.endsWith("/auth/refresh")) {
          refreshBodies.push(await request.json());
          return Response.json({ access_token: "fresh", expires_in: 1800, refresh_token: "refresh-2", refresh_expires_in: 86400 });
        }
        return auth === "Bearer fresh" ? Response.json({ username: "province" }) : Response.json(invalidCredentials, { status: 401 });
      },
    });
    client.use(apiMiddleware);
    const { data } = await client.GET("/api/roster/v1/me");
    expect(data).toMatchObject({ username: "province" });
    expect(seen).toEqual(["GET /api/roster/v1/me Bearer stale", "POST /api/roster/v1/auth/refresh ", "GET /api/roster/v1/me Bearer fresh"]);
    expect(session.token()).toBe("fresh");
    expect(session.refreshToken()).toBe("refresh-2");
    expect(refreshBodies).toEqual([{ refresh_token: "refresh-1" }]);
  });

  it("ends the session when the refresh is refused, without retrying again", async () => {
    session.start("stale", 1800, "used-up", 86400);
    const seen: string[] = [];
    const client = createFetchClient<paths>({
      baseUrl: "http://tucai.test",
      fetch: async (request: Request) => {
        seen.push(new URL(request.url).pathname);
        return Response.json(invalidCredentials, { status: 401 });
      },
    });
    client.use(apiMiddleware);
    await expect(client.GET("/api/roster/v1/me")).rejects.toBeInstanceOf(ApiError);
    expect(seen).toEqual(["/api/roster/v1/me", "/api/roster/v1/auth/refresh"]);
    expect(session.get()).toBeNull();
    expect(session.logoutReason()).toBe("expired");
  });

  it("keeps a session past its access token's expiry while the refresh token lasts", () => {
    session.start("short", 0, "refresh-3", 3600);
    expect(session.get()).not.toBeNull();
    expect(session.token()).toBe("short");
  });

  it("leaves a 401 from the login call to the form (no session to end)", async () => {
    const call = clientAnswering(401, invalidCredentials).POST("/api/roster/v1/auth/token", {
      body: { username: "x", password: "y", scope: "" },
    });
    await expect(call).rejects.toMatchObject({ message: "用户名或密码错误", code: "invalid_credentials" });
    expect(session.logoutReason()).toBe("user");
  });

  it("reports an unreachable server in Chinese", async () => {
    const client = createFetchClient<paths>({
      baseUrl: "http://tucai.test",
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    client.use(apiMiddleware);
    await expect(client.GET("/api/roster/v1/me")).rejects.toMatchObject({ code: "network_error" });
  });
});

const overloaded = {
  type: "https://tucai.cn/problems/overloaded",
  title: "Service Unavailable",
  status: 503,
  detail: "The service is busy; please retry shortly",
  code: "overloaded",
  message_zh: "系统繁忙，请稍后重试",
  message_en: "The service is busy; please retry shortly",
  errors: [],
};

/** A client whose server answers with the given responses in turn (the last one repeats). */
function clientAnsweringInTurn(answers: Array<() => Response>, seen: Request[] = []) {
  const client = createFetchClient<paths>({
    baseUrl: "http://tucai.test",
    fetch: async (request: Request) => {
      seen.push(request);
      return answers[Math.min(seen.length, answers.length) - 1]();
    },
  });
  client.use(apiMiddleware);
  return client;
}

const shed = (retryAfter: string) => () =>
  new Response(JSON.stringify(overloaded), {
    status: 503,
    headers: { "Content-Type": "application/problem+json", "Retry-After": retryAfter },
  });
const fine = () => new Response(JSON.stringify({ items: [], total: 0 }), { status: 200, headers: { "Content-Type": "application/json" } });

describe("a busy service (503 + Retry-After)", () => {
  it("reads once more after the delay asked for, and the caller sees only the answer", async () => {
    session.start("tok-3", 3600);
    const seen: Request[] = [];
    const started = Date.now();
    const { data } = await clientAnsweringInTurn([shed("1"), fine], seen).GET("/api/roster/v1/schools");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(data).toEqual({ items: [], total: 0 });
    expect(seen).toHaveLength(2);
    expect(seen[1].headers.get("Authorization")).toBe("Bearer tok-3");
  });

  it("retries only once, then reports the overload in Chinese", async () => {
    const seen: Request[] = [];
    const call = clientAnsweringInTurn([shed("0")], seen).GET("/api/roster/v1/schools");
    await expect(call).rejects.toMatchObject({ status: 503, code: "overloaded", message: "系统繁忙，请稍后重试" });
    expect(seen).toHaveLength(2);
  });

  it("does not send a write again", async () => {
    const seen: Request[] = [];
    const call = clientAnsweringInTurn([shed("0"), fine], seen).POST("/api/roster/v1/colleges", {
      body: { code: "07", name: "信息工程学院" },
    });
    await expect(call).rejects.toMatchObject({ status: 503, code: "overloaded" });
    expect(seen).toHaveLength(1);
  });

  it("caps the wait and ignores a 503 without Retry-After", () => {
    const busy = (value: string) => new Response(null, { status: 503, headers: { "Retry-After": value } });
    expect(retryDelayMs(busy("2"))).toBe(2000);
    expect(retryDelayMs(busy("3600"))).toBe(MAX_RETRY_WAIT_MS);
    const now = Date.parse("2026-05-01T08:00:00Z");
    expect(retryDelayMs(busy("Fri, 01 May 2026 08:00:03 GMT"), now)).toBe(3000);
    expect(retryDelayMs(busy("soon"))).toBeNull();
    expect(retryDelayMs(new Response(null, { status: 503 }))).toBeNull();
    expect(retryDelayMs(new Response(null, { status: 500, headers: { "Retry-After": "1" } }))).toBeNull();
  });
});
