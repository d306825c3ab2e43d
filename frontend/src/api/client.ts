/**
 * One typed client per service (openapi-fetch), all on the SPA's own origin: the gateway serves the SPA and
 * `/api/<service>/...`. A shared middleware adds the bearer token, turns every non-2xx answer into an ApiError
 * whose message is the server's `message_zh`, and on a 401 to an authenticated call renews the short-lived access
 * token once with the refresh token and retries; only when that fails does the session end. A read shed by a busy
 * service (503 with `Retry-After`) is retried once, politely, after the delay the server asked for.
 */
import type { QueryKey } from "@tanstack/react-query";
import createFetchClient, { type MergedOptions, type Middleware } from "openapi-fetch";
import createQueryHooks from "openapi-react-query";
import { session } from "../auth/session";
import { ApiError } from "./problem";
import type { paths as RosterPaths } from "./schema/roster";
import type { paths as SchedulingPaths } from "./schema/scheduling";
import type { paths as CapturePaths } from "./schema/capture";
import type { paths as PaymentsPaths } from "./schema/payments";

async function readBody(response: Response): Promise<unknown> {
  const text = await response.clone().text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const REFRESH_PATH = "/api/roster/v1/auth/refresh";
/** A copy of every authenticated request, kept until its answer, to send again after a refresh. */
const retryCopies = new WeakMap<Request, Request>();
/** One refresh at a time: the calls that fail together wait for the same one. */
let refreshing: Promise<boolean> | null = null;

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string | null;
  refresh_expires_in?: number | null;
}

/** Use the refresh token (once: it is rotated) for a new access token; false when the session cannot go on. */
export function refreshSession(options: Pick<MergedOptions, "baseUrl" | "fetch">): Promise<boolean> {
  const refreshToken = session.refreshToken();
  if (!refreshToken) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const response = await options.fetch(
        new Request(`${options.baseUrl}${REFRESH_PATH}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json, application/problem+json" },
          body: JSON.stringify({ refresh_token: refreshToken }),
        }),
      );
      if (!response.ok) return false;
      const data = (await response.json()) as TokenAnswer;
      session.start(data.access_token, data.expires_in, data.refresh_token, data.refresh_expires_in);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** The longest the one polite retry of a shed read waits, whatever `Retry-After` asks (milliseconds). */
export const MAX_RETRY_WAIT_MS = 5000;

/** How long a 503 asks us to wait (`Retry-After` in seconds or as an HTTP date), capped; null: do not retry. */
export function retryDelayMs(response: Response, now = Date.now()): number | null {
  const header = response.status === 503 ? response.headers.get("Retry-After") : null;
  if (!header) return null;
  const delay = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isFinite(delay) ? Math.min(Math.max(delay, 0), MAX_RETRY_WAIT_MS) : null;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export const apiMiddleware: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    request.headers.set("Accept", "application/json, application/problem+json");
    if (request.headers.has("Authorization") && session.refreshToken()) {
      retryCopies.set(request, request.clone());
    }
    return request;
  },
  async onResponse({ request, response, options }) {
    let answer = response;
    const copy = retryCopies.get(request);
    retryCopies.delete(request);
    const delay = request.method === "GET" || request.method === "HEAD" ? retryDelayMs(answer) : null;
    if (delay !== null) {
      // Shed before the service did any work: a read may be sent again, once, after the delay asked for.
      await wait(delay, request.signal);
      answer = await options.fetch((copy ?? request).clone());
    }
    // A 401 on a call made with a token: the access token expired (or the key rotated). Refresh once and retry.
    if (answer.status === 401 && copy && (await refreshSession(options))) {
      copy.headers.set("Authorization", `Bearer ${session.token()}`);
      answer = await options.fetch(copy);
    }
    if (answer.ok) return answer === response ? undefined : answer;
    const body = await readBody(answer);
    // Still 401 after a refresh (or none possible): the session is over. A 401 on the login call itself is just a
    // wrong password and must reach the login form.
    if (answer.status === 401 && request.headers.has("Authorization")) {
      session.clear("expired");
    }
    throw new ApiError(answer.status, body);
  },
  onError({ error }) {
    if (error instanceof ApiError) return error;
    if (error instanceof DOMException && error.name === "AbortError") return error;
    return ApiError.network();
  },
};

function create<Paths extends {}>() {
  const client = createFetchClient<Paths>({ baseUrl: "" });
  client.use(apiMiddleware);
  return client;
}

export const rosterClient = create<RosterPaths>();
export const schedulingClient = create<SchedulingPaths>();
export const captureClient = create<CapturePaths>();
export const paymentsClient = create<PaymentsPaths>();

/** TanStack Query hooks per service: `roster.useQuery("get", "/api/roster/v1/me")`. */
export const roster = createQueryHooks(rosterClient);
export const scheduling = createQueryHooks(schedulingClient);
export const capture = createQueryHooks(captureClient);
export const payments = createQueryHooks(paymentsClient);

/** The paths of a service that answer GET. */
type GetPath<Paths> = { [P in keyof Paths]: Paths[P] extends { get: unknown } ? P : never }[keyof Paths] & string;

/**
 * The query key shared by every cached GET of one path, whatever its parameters: the key that
 * `hooks.queryOptions("get", path, init)` (and so `hooks.useQuery`) builds starts with it. Invalidate and update the
 * cache with it so that no key is typed by hand and a misspelt path fails the type check.
 */
function pathKeys<Paths>(hooks: { queryOptions: unknown }): (path: GetPath<Paths>) => QueryKey {
  // Without `init`, queryOptions builds the bare [method, path] prefix; the cast only drops the per-path init types.
  const options = hooks.queryOptions as (method: "get", path: string) => { queryKey: QueryKey };
  return (path) => options("get", path).queryKey;
}

export const rosterKey = pathKeys<RosterPaths>(roster);
export const schedulingKey = pathKeys<SchedulingPaths>(scheduling);
export const captureKey = pathKeys<CapturePaths>(capture);
export const paymentsKey = pathKeys<PaymentsPaths>(payments);
