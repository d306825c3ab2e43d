import { Button, Flex, Result } from "antd";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { errorMessage } from "../api/problem";
import { CurrentUserProvider, useLogout, useMe, useSession } from "../auth/AuthContext";
import { FullPageSpin } from "./FullPageSpin";

/** Signed-in routes: no token -> login page (remembering where the user was going); then load the profile. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  const me = useMe();
  const logout = useLogout();

  if (current === null) {
    const target = location.pathname + location.search;
    const search = target === "/" ? "" : `?redirect=${encodeURIComponent(target)}`;
    return <Navigate to={`/login${search}`} replace />;
  }
  if (me.isPending) return <FullPageSpin tip="正在加载账号信息…" />;
  if (me.isError) {
    return (
      <Flex align="center" justify="center" style={{ minHeight: "100vh" }}>
        <Result
          status="error"
          title="无法加载账号信息"
          subTitle={errorMessage(me.error)}
          extra={[
            <Button key="retry" type="primary" onClick={() => void me.refetch()}>
              重试
            </Button>,
            <Button key="logout" onClick={logout}>
              退出登录
            </Button>,
          ]}
        />
      </Flex>
    );
  }
  return <CurrentUserProvider value={me.data}>{children}</CurrentUserProvider>;
}
