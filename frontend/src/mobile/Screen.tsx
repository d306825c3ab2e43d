import { Button, DotLoading, ErrorBlock } from "antd-mobile";
import { type ReactNode, useEffect } from "react";
import { useNavigate, useRouteError } from "react-router";
import { errorMessage } from "../api/problem";

/** The tab's title follows the page, so a screen reader and the WeChat title bar say where the student is. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · 图采`;
  }, [title]);
}

/** A phone page: a sticky title bar (a real back button unless it is home) and one narrow column. */
export function Screen({ title, back, right, children }: { title: string; back?: string; right?: ReactNode; children: ReactNode }) {
  const navigate = useNavigate();
  useTitle(title);
  return (
    <div className="m-page">
      <header className="m-bar">
        {back ? (
          <button type="button" className="m-back" onClick={() => navigate(back)}>
            <span aria-hidden style={{ fontSize: 24, lineHeight: 1 }}>‹</span>
            返回
          </button>
        ) : (
          <span className="m-back-space" />
        )}
        <h1>{title}</h1>
        <span className="m-bar-right">{right}</span>
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
