import { App as AntApp, ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router";
import { useState } from "react";
import "./lib/time"; // dayjs: zh-cn locale, utc + timezone plugins
import { router } from "./router";
import { createQueryClient } from "./queryClient";
import { SessionCacheGuard } from "./auth/AuthContext";

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <ConfigProvider
      locale={zhCN}
      button={{ autoInsertSpace: false }}
      theme={{ token: { colorPrimary: "#1677ff", borderRadius: 6 } }}
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
