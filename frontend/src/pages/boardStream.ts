/**
 * The live board's Server-Sent Events feed. EventSource cannot send headers, so the access token goes in the query
 * (the server verifies it like a bearer token). The server ends a stream after a few minutes; on any error or end
 * the feed closes and reopens with the session's current token (the page's ordinary board query renews an expired
 * one through the API client), after a pause that grows while the server keeps refusing.
 */
export type FeedState = "connecting" | "live" | "offline";

export interface FeedOptions<T> {
  url: string;
  token: () => string | null;
  onBoard: (board: T) => void;
  onState: (state: FeedState) => void;
  /** Called before reopening: lets the page renew the token through the API client. */
  beforeReopen?: () => Promise<unknown>;
  source?: (url: string) => EventSource;
}

export const MIN_RETRY_MS = 2000;
export const MAX_RETRY_MS = 30000;

/** The pause before the n-th consecutive reopen (0-based): doubling from MIN_RETRY_MS up to MAX_RETRY_MS. */
export function retryDelay(attempt: number): number {
  return Math.min(MIN_RETRY_MS * 2 ** Math.max(0, attempt), MAX_RETRY_MS);
}

export function streamUrl(url: string, token: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
}

/** Opens the feed; returns the function that closes it for good. */
export function openFeed<T>(options: FeedOptions<T>): () => void {
  const make = options.source ?? ((u: string) => new EventSource(u));
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let failures = 0;

  const open = () => {
    const token = options.token();
    if (closed || !token) return;
    options.onState("connecting");
    source = make(streamUrl(options.url, token));
    source.addEventListener("board", (event) => {
      failures = 0;
      options.onState("live");
      options.onBoard(JSON.parse((event as MessageEvent<string>).data) as T);
    });
    source.addEventListener("error", () => {
      source?.close();
      if (closed) return;
      options.onState("offline");
      timer = setTimeout(() => {
        void Promise.resolve(options.beforeReopen?.()).catch(() => undefined).then(open);
      }, retryDelay(failures++));
    });
  };
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
  };
}
