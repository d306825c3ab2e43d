import type { ComponentType } from "react";
import { createBrowserRouter, Outlet } from "react-router";
import { PAGES } from "./auth/roles";
import { RequireAuth } from "./layout/RequireAuth";
import { FullPageSpin } from "./layout/FullPageSpin";
import { RouteError } from "./pages/RouteError";

/** Every page is its own chunk: `lazy` resolves to `{ Component }`. */
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({ Component: (await load()).default });

const comingSoon = PAGES.filter((p) => !p.ready).map((p) => ({
  path: p.path.slice(1),
  lazy: page(() => import("./pages/ComingSoonPage")),
}));

export const router = createBrowserRouter([
  {
    element: <Outlet />,
    hydrateFallbackElement: <FullPageSpin />,
    errorElement: <RouteError />,
    children: [
      { path: "login", lazy: page(() => import("./pages/LoginPage")) },
      {
        element: (
          <RequireAuth>
            <Outlet />
          </RequireAuth>
        ),
        children: [
          { path: "m", lazy: page(() => import("./pages/StudentHomePage")) },
          { path: "m/pay", lazy: page(() => import("./pages/StudentPayPage")) },
          { path: "m/pay/result", lazy: page(() => import("./pages/PayResultPage")) },
          {
            lazy: page(() => import("./layout/ConsoleLayout")),
            children: [
              { index: true, lazy: page(() => import("./pages/DashboardPage")) },
              { path: "colleges", lazy: page(() => import("./pages/CollegesPage")) },
              { path: "schools", lazy: page(() => import("./pages/SchoolsPage")) },
              { path: "imports", lazy: page(() => import("./pages/ImportPage")) },
              { path: "students", lazy: page(() => import("./pages/StudentsPage")) },
              { path: "classes", lazy: page(() => import("./pages/ClassesPage")) },
              { path: "roster-review", lazy: page(() => import("./pages/RosterReviewPage")) },
              { path: "errata", lazy: page(() => import("./pages/ErrataPage")) },
              { path: "eligibility", lazy: page(() => import("./pages/EligibilityPage")) },
              { path: "eligibility/:batchId", lazy: page(() => import("./pages/BatchReviewPage")) },
              { path: "campaigns", lazy: page(() => import("./pages/CampaignsPage")) },
              { path: "school-stats", lazy: page(() => import("./pages/SchoolStatsPage")) },
              { path: "subjects", lazy: page(() => import("./pages/SubjectsPage")) },
              { path: "schedule", lazy: page(() => import("./pages/SchedulePage")) },
              { path: "makeup", lazy: page(() => import("./pages/MakeupPage")) },
              { path: "capture", lazy: page(() => import("./pages/CapturePage")) },
              { path: "settlement", lazy: page(() => import("./pages/SettlementPage")) },
              ...comingSoon,
              { path: "*", lazy: page(() => import("./pages/NotFoundPage")) },
            ],
          },
        ],
      },
    ],
  },
]);
