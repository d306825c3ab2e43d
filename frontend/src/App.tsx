import { App as AntApp, ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router";
import { useState } from "react";
import "./lib/time"; // dayjs: zh-cn locale, utc + timezone plugins
import { router } from "./router";
import { createQueryClient } from "./queryClient";
import { SessionCacheGuard } from "./auth/AuthContext";

/** Honour the system's "reduce motion" setting: antd's transitions (and its loading icons' leave motion) off. */
const reducedMotion = typeof window !== "undefined" && window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <ConfigProvider
      locale={zhCN}
      button={{ autoInsertSpace: false }}
      theme={{ token: { colorPrimary: "#1677ff", borderRadius: 6, motion: !reducedMotion } }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <SessionCacheGuard>
            <RouterProvider router={router} />
          </SessionCacheGuard>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
