import { Navigate, Outlet, useLocation } from "react-router";
import { CurrentUserProvider, useMe, useSession } from "../auth/AuthContext";
import { Failure, Loading } from "./Screen";

/**
 * The student's pages need a student session: without one, sign in (coming back here); staff who open /m go to
 * the console, a different page of the site.
 */
export function RequireStudent() {
  const current = useSession();
  const me = useMe();
  const location = useLocation();
  if (!current) {
    const back = location.pathname + location.search;
    return <Navigate to={`/m/login?redirect=${encodeURIComponent(back)}`} replace />;
  }
  if (me.isPending) return <Loading />;
  if (me.isError) return <Failure error={me.error} retry={() => void me.refetch()} />;
  if (me.data.role !== "student") {
    window.location.replace("/");
    return <Loading />;
  }
  return (
    <CurrentUserProvider value={me.data}>
      <Outlet />
    </CurrentUserProvider>
  );
}
