import { QueryClientProvider } from "@tanstack/react-query";
import { ConfigProvider } from "antd-mobile";
import zhCN from "antd-mobile/es/locales/zh-CN";
import { type ComponentType, useState } from "react";
import { createBrowserRouter, RouterProvider } from "react-router";
import "../lib/time"; // dayjs: zh-cn locale, utc + timezone plugins
import { SessionCacheGuard } from "../auth/AuthContext";
import { createQueryClient } from "../queryClient";
import { Loading, RouteFailure } from "./Screen";
import { RequireStudent } from "./RequireStudent";
import HomePage from "./pages/HomePage";

/** Every page but home is its own chunk, fetched on the first tap to it. */
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({ Component: (await load()).default });

const routes = [
  {
    path: "/m",
    hydrateFallbackElement: <Loading />,
    errorElement: <RouteFailure />,
    children: [
      { path: "login", lazy: page(() => import("./pages/LoginPage")) },
      { path: "rules", lazy: page(() => import("./pages/RulesPage")) },
      {
        element: <RequireStudent />,
        children: [
          { index: true, Component: HomePage },
          { path: "pass", lazy: page(() => import("./pages/PassPage")) },
          { path: "pay", lazy: page(() => import("./pages/PayPage")) },
          { path: "pay/result", lazy: page(() => import("./pages/PayResultPage")) },
          { path: "proofread", lazy: page(() => import("./pages/ProofreadPage")) },
          { path: "makeup", lazy: page(() => import("./pages/MakeupPage")) },
          { path: "*", lazy: page(() => import("./pages/NotFoundPage")) },
        ],
      },
    ],
  },
];

export function MobileApp() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <ConfigProvider locale={zhCN}>
      <QueryClientProvider client={queryClient}>
        <SessionCacheGuard>
          <RouterProvider router={router} />
        </SessionCacheGuard>
      </QueryClientProvider>
    </ConfigProvider>
  );
}
