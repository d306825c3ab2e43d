/**
 * The signed-in session: a short-lived bearer token, and the single-use refresh token that renews it, kept in
 * localStorage so a reload keeps the user signed in (the CSP keeps foreign scripts from reading it). A tiny external
 * store (subscribe/getSnapshot) so React re-renders when the API client drops the session after a failed refresh.
 */

export interface Session {
  token: string;
  /** epoch milliseconds: when the access token expires (the API client then refreshes it) */
  expiresAt: number;
  refreshToken?: string;
  /** epoch milliseconds: when the session ends for good */
  refreshExpiresAt?: number;
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
    if (typeof parsed.token === "string" && typeof parsed.expiresAt === "number") {
      const loaded: Session = { token: parsed.token, expiresAt: parsed.expiresAt };
      if (typeof parsed.refreshToken === "string" && typeof parsed.refreshExpiresAt === "number") {
        loaded.refreshToken = parsed.refreshToken;
        loaded.refreshExpiresAt = parsed.refreshExpiresAt;
      }
      if (endsAt(loaded) > Date.now()) return loaded;
    }
  } catch {
    /* fall through: a corrupt entry is the same as none */
  }
  storage()?.removeItem(KEY);
  return null;
}

/** The session lasts as long as its refresh token, or, without one, its access token. */
function endsAt(s: Session): number {
  return s.refreshToken && s.refreshExpiresAt ? s.refreshExpiresAt : s.expiresAt;
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
    if (current && endsAt(current) <= Date.now()) {
      session.clear("expired");
    }
    return current;
  },

  token(): string | null {
    return session.get()?.token ?? null;
  },

  refreshToken(): string | null {
    return session.get()?.refreshToken ?? null;
  },

  /** Start (or renew) a session from the token endpoint's answer (`expires_in` and `refresh_expires_in` in seconds). */
  start(token: string, expiresInSeconds: number, refreshToken?: string | null, refreshExpiresInSeconds?: number | null): void {
    const now = Date.now();
    current = { token, expiresAt: now + Math.max(0, expiresInSeconds) * 1000 };
    if (refreshToken && refreshExpiresInSeconds) {
      current.refreshToken = refreshToken;
      current.refreshExpiresAt = now + Math.max(0, refreshExpiresInSeconds) * 1000;
    }
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
