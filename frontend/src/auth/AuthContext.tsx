import { createContext, useCallback, useContext, useEffect, useSyncExternalStore, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { roster, rosterClient } from "../api/client";
import type { Me } from "../api/types";
import { session, type Session } from "./session";

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get, session.get);
}


/** The signed-in user's profile; only runs while there is a token. */
export function useMe() {
  const current = useSession();
  return roster.useQuery("get", "/api/roster/v1/me", {}, { enabled: current !== null, staleTime: 5 * 60_000 });
}

/** Exchange username + password for a token (OAuth2 password flow) and load the profile. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useCallback(
    async (username: string, password: string): Promise<Me> => {
      const { data } = await rosterClient.POST("/api/roster/v1/auth/token", {
        body: { username, password, scope: "" },
        bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      if (!data) throw new Error("登录失败，请重试");
      queryClient.clear();
      session.start(data.access_token, data.expires_in, data.refresh_token, data.refresh_expires_in);
      return queryClient.fetchQuery(roster.queryOptions("get", "/api/roster/v1/me"));
    },
    [queryClient],
  );
}

/** Student sign-in: 院校代码 + 学号 + the second factor the school chose (by default the last six of the ID number). */
export function useStudentLogin() {
  const queryClient = useQueryClient();
  return useCallback(
    async (school_code: string, student_no: string, secret: string): Promise<Me> => {
      const { data } = await rosterClient.POST("/api/roster/v1/auth/student-token", {
        body: { school_code, student_no, secret },
      });
      if (!data) throw new Error("登录失败，请重试");
      queryClient.clear();
      session.start(data.access_token, data.expires_in, data.refresh_token, data.refresh_expires_in);
      return queryClient.fetchQuery(roster.queryOptions("get", "/api/roster/v1/me"));
    },
    [queryClient],
  );
}

export function useLogout() {
  return useCallback(() => {
    const refresh_token = session.refreshToken();
    session.clear("user");
    // The refresh token stops working on the server too (best effort: signing out never waits for the network).
    if (refresh_token) void rosterClient.POST("/api/roster/v1/auth/logout", { body: { refresh_token } }).catch(() => undefined);
  }, []);
}

/** Drops every cached answer when the session ends, whoever ended it (the user, or a 401 in the API client). */
export function SessionCacheGuard({ children }: { children: ReactNode }) {
  const current = useSession();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (current === null) queryClient.clear();
  }, [current, queryClient]);
  return children;
}

const CurrentUserContext = createContext<Me | null>(null);

export const CurrentUserProvider = CurrentUserContext.Provider;

/** The signed-in user, or null outside the routes guarded by RequireAuth (shared components use it). */
export function useOptionalCurrentUser(): Me | null {
  return useContext(CurrentUserContext);
}

/** The signed-in user, inside routes guarded by RequireAuth. */
export function useCurrentUser(): Me {
  const me = useContext(CurrentUserContext);
  if (!me) throw new Error("useCurrentUser must be used inside <RequireAuth>");
  return me;
}
