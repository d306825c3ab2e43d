/**
 * The signed-in session: a bearer token and when it expires, kept in localStorage so a reload keeps the user
 * signed in. A tiny external store (subscribe/getSnapshot) so React re-renders when the API client drops the
 * token after a 401.
 */

export interface Session {
  token: string;
  /** epoch milliseconds */
  expiresAt: number;
}

export type LogoutReason = "user" | "expired";

const KEY = "tucai.session";

type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null = load();
let lastLogoutReason: LogoutReason | null = null;

function storage(): Storage | null {
  try {
    return typeof window !== "undefined" ? window.localStorage : null;
  } catch {
    return null;
  }
}

function load(): Session | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.token === "string" && typeof parsed.expiresAt === "number" && parsed.expiresAt > Date.now()) {
      return { token: parsed.token, expiresAt: parsed.expiresAt };
    }
  } catch {
    /* fall through: a corrupt entry is the same as none */
  }
  storage()?.removeItem(KEY);
  return null;
}

function emit(): void {
  for (const listener of listeners) listener();
}

export const session = {
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  get(): Session | null {
    if (current && current.expiresAt <= Date.now()) {
      session.clear("expired");
    }
    return current;
  },

  token(): string | null {
    return session.get()?.token ?? null;
  },

  /** Start a session from the token endpoint's answer (`expires_in` in seconds). */
  start(token: string, expiresInSeconds: number): void {
    current = { token, expiresAt: Date.now() + Math.max(0, expiresInSeconds) * 1000 };
    lastLogoutReason = null;
    storage()?.setItem(KEY, JSON.stringify(current));
    emit();
  },

  clear(reason: LogoutReason = "user"): void {
    if (current === null) return;
    current = null;
    lastLogoutReason = reason;
    storage()?.removeItem(KEY);
    emit();
  },

  /** Why the last session ended (until the next sign-in), so the login page can explain a forced logout. */
  logoutReason(): LogoutReason | null {
    return lastLogoutReason;
  },
};
