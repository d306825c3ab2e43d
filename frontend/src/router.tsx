import { type ComponentType, createElement, lazy, Suspense } from "react";
import { createBrowserRouter, Outlet } from "react-router";
import { PAGES } from "./auth/roles";
import { RequireAuth } from "./layout/RequireAuth";
import { FullPageSpin } from "./layout/FullPageSpin";
import { RouteError } from "./pages/RouteError";

/** Every page is its own chunk: `lazy` resolves to `{ Component }`. */
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({ Component: (await load()).default });

/**
 * A signed-in page: its chunk is downloaded when it first renders, i.e. once RequireAuth has a session; react-router
 * resolves every matched route's `lazy` before rendering, so a plain lazy route would download the console's
 * chunks for a visitor who is only being sent to sign in.
 */
const signedIn = (load: () => Promise<{ default: ComponentType }>) => {
  const Page = lazy(load);
  const Component = () => <Suspense fallback={<FullPageSpin />}>{createElement(Page)}</Suspense>;
  return async () => ({ Component });
};

/** Hand over to the phone entry with a full page load (the server answers /m/... with m.html). */
function ToPhone() {
  window.location.replace(window.location.pathname + window.location.search);
  return <FullPageSpin />;
}

const comingSoon = PAGES.filter((p) => !p.ready).map((p) => ({
  path: p.path.slice(1),
  lazy: signedIn(() => import("./pages/ComingSoonPage")),
}));

export const router = createBrowserRouter([
  {
    element: <Outlet />,
    hydrateFallbackElement: <FullPageSpin />,
    errorElement: <RouteError />,
    children: [
      { path: "login", lazy: page(() => import("./pages/LoginPage")) },
      // The student's pages are the phone entry (m.html, its own bundle): a student signed in here goes there.
      { path: "m/*", Component: ToPhone },
      {
        element: (
          <RequireAuth>
            <Outlet />
          </RequireAuth>
        ),
        children: [
          {
            lazy: signedIn(() => import("./layout/ConsoleLayout")),
            children: [
              { index: true, lazy: signedIn(() => import("./pages/DashboardPage")) },
              { path: "colleges", lazy: signedIn(() => import("./pages/CollegesPage")) },
              { path: "schools", lazy: signedIn(() => import("./pages/SchoolsPage")) },
              { path: "imports", lazy: signedIn(() => import("./pages/ImportPage")) },
              { path: "students", lazy: signedIn(() => import("./pages/StudentsPage")) },
              { path: "classes", lazy: signedIn(() => import("./pages/ClassesPage")) },
              { path: "roster-review", lazy: signedIn(() => import("./pages/RosterReviewPage")) },
              { path: "errata", lazy: signedIn(() => import("./pages/ErrataPage")) },
              { path: "eligibility", lazy: signedIn(() => import("./pages/EligibilityPage")) },
              { path: "eligibility/:batchId", lazy: signedIn(() => import("./pages/BatchReviewPage")) },
              { path: "campaigns", lazy: signedIn(() => import("./pages/CampaignsPage")) },
              { path: "school-stats", lazy: signedIn(() => import("./pages/SchoolStatsPage")) },
              { path: "subjects", lazy: signedIn(() => import("./pages/SubjectsPage")) },
              { path: "schedule", lazy: signedIn(() => import("./pages/SchedulePage")) },
              { path: "schedule/:dayId/board", lazy: signedIn(() => import("./pages/BoardPage")) },
              { path: "makeup", lazy: signedIn(() => import("./pages/MakeupPage")) },
              { path: "capture", lazy: signedIn(() => import("./pages/CapturePage")) },
              { path: "capture-progress", lazy: signedIn(() => import("./pages/CaptureProgressPage")) },
              { path: "delivery", lazy: signedIn(() => import("./pages/DeliveryPage")) },
              { path: "settlement", lazy: signedIn(() => import("./pages/SettlementPage")) },
              { path: "payments", lazy: signedIn(() => import("./pages/PaymentsPage")) },
              { path: "prepayment", lazy: signedIn(() => import("./pages/PrepaymentPage")) },
              ...comingSoon,
              { path: "*", lazy: signedIn(() => import("./pages/NotFoundPage")) },
            ],
          },
        ],
      },
    ],
  },
]);
