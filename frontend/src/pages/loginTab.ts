/**
 * Which tab the login page opens on: the student entry (/m, or ?as=student) on 学生登录, everything else on
 * 工作人员登录. `redirect` is where the visitor was going before being sent to sign in.
 */
export type LoginTab = "staff" | "student";

export function loginTab(as: string | null, redirect: string | null): LoginTab {
  if (as === "student") return "student";
  if (as === "staff") return "staff";
  if (redirect && /^\/m(\/|\?|#|$)/.test(redirect)) return "student";
  return "staff";
}

/** Where an unsigned visitor of `path` is sent: the login page, remembering the path (the home page needs none). */
export function loginPathFor(target: string): string {
  return target === "/" ? "/login" : `/login?redirect=${encodeURIComponent(target)}`;
}
