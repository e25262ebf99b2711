import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/errors';
import { PublicLayout, StaffLayout } from './components/layouts';
import { I18nProvider } from './i18n/i18n';
import { ApiKeysPage } from './pages/api-keys/api-keys-page';
import { AppealPage } from './pages/appeal/appeal-page';
import { AppealDetailPage } from './pages/appeals/appeal-detail-page';
import { AppealsPage } from './pages/appeals/appeals-page';
import { AuditPage } from './pages/audit/audit-page';
import { CasePage } from './pages/case/case-page';
import { IncidentsPage } from './pages/incidents/incidents-page';
import { LoginPage } from './pages/login/login-page';
import { NotFoundPage } from './pages/not-found-page';
import { QueuePage } from './pages/queue/queue-page';
import { ReportPage } from './pages/report/report-page';
import { TrackPage } from './pages/track/track-page';
import { UsersPage } from './pages/users/users-page';

// The charts library is loaded only by the page that draws charts.
const LazyTransparencyPage = lazy(() =>
  import('./pages/transparency/transparency-page').then((module) => ({ default: module.TransparencyPage })),
);
function TransparencyPage() {
  return (
    <Suspense>
      <LazyTransparencyPage />
    </Suspense>
  );
}

// The routes are CONSOLE.md's; the API answers a reload on each with index.html (apps/api/src/http/console-static.ts).
const router = createBrowserRouter([
  {
    element: <PublicLayout />,
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/report', element: <ReportPage /> },
      { path: '/track', element: <TrackPage /> },
      { path: '/appeal', element: <AppealPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
  {
    element: <StaffLayout />,
    children: [
      { path: '/', element: <QueuePage /> },
      { path: '/cases/:id', element: <CasePage /> },
      { path: '/appeals', element: <AppealsPage /> },
      { path: '/appeals/:id', element: <AppealDetailPage /> },
      { path: '/audit', element: <AuditPage /> },
      { path: '/transparency', element: <TransparencyPage /> },
      { path: '/admin/users', element: <UsersPage /> },
      { path: '/admin/api-keys', element: <ApiKeysPage /> },
      { path: '/incidents', element: <IncidentsPage /> },
    ],
  },
]);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A client's mistake (4xx) does not get better by asking again.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      refetchOnWindowFocus: true,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <RouterProvider router={router} />
      </I18nProvider>
    </QueryClientProvider>
  );
}
