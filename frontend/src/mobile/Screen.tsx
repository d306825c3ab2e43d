import { Button, DotLoading, ErrorBlock, NavBar } from "antd-mobile";
import { type ReactNode, useEffect } from "react";
import { useNavigate, useRouteError } from "react-router";
import { errorMessage } from "../api/problem";

/** The tab's title follows the page, so a screen reader and the WeChat title bar say where the student is. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · 图采`;
  }, [title]);
}

/** A phone page: a sticky title bar (with a way back unless it is home) and one narrow column. */
export function Screen({ title, back, right, children }: { title: string; back?: string; right?: ReactNode; children: ReactNode }) {
  const navigate = useNavigate();
  useTitle(title);
  return (
    <div className="m-page">
      <header className="m-bar">
        <NavBar
          back={back ? "返回" : null}
          backIcon={back ? undefined : false}
          onBack={back ? () => navigate(back) : undefined}
          right={right}
          style={{ "--height": "48px" }}
        >
          <h1 style={{ font: "inherit", margin: 0 }}>{title}</h1>
        </NavBar>
      </header>
      <main className="m-body">{children}</main>
    </div>
  );
}

export function Loading({ label = "加载中" }: { label?: string }) {
  return (
    <output style={{ padding: 48, textAlign: "center", color: "#595959" }}>
      {label}
      <DotLoading />
    </output>
  );
}

export function Failure({ error, retry, title = "暂时无法加载" }: { error: unknown; retry?: () => void; title?: string }) {
  return (
    <div className="m-card" role="alert">
      <ErrorBlock status="default" title={title} description={errorMessage(error)} />
      {retry && (
        <Button block color="primary" onClick={retry} style={{ marginTop: 12 }}>
          重试
        </Button>
      )}
    </div>
  );
}

/** A chunk that failed to load (new deployment, lost connection): reloading fetches the current one. */
export function RouteFailure() {
  const error = useRouteError();
  return (
    <div className="m-body">
      <Failure error={error} title="页面加载失败" retry={() => window.location.reload()} />
    </div>
  );
}
