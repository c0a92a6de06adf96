/**
 * Every screen and its address under /app/. Pages are loaded on demand so the
 * first paint (sign-in, queue) does not wait for the chart library.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Layout } from './components/Layout';
import { Loading } from './components/States';
import { homeOf, useSession } from './session';

const SignIn = lazy(() => import('./pages/SignIn'));
const Queue = lazy(() => import('./pages/agent/Queue'));
const ComplaintPage = lazy(() => import('./pages/agent/ComplaintPage'));
const Dashboard = lazy(() => import('./pages/supervisor/Dashboard'));
const DrillDown = lazy(() => import('./pages/supervisor/DrillDown'));
const Board = lazy(() => import('./pages/cycles/Board'));
const CyclePage = lazy(() => import('./pages/cycles/CyclePage'));
const NewCycle = lazy(() => import('./pages/cycles/NewCycle'));
const AuditSearch = lazy(() => import('./pages/audit/AuditSearch'));
const AuditHistory = lazy(() => import('./pages/audit/History'));
const AuditVerify = lazy(() => import('./pages/audit/Verify'));
const Users = lazy(() => import('./pages/admin/Users'));
const Keys = lazy(() => import('./pages/admin/Keys'));
const Policies = lazy(() => import('./pages/admin/Policies'));
const NotFound = lazy(() => import('./pages/NotFound'));

/** Signed-in pages; a signed-out visitor goes to sign-in and comes back after. */
function RequireSession({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function Home() {
  const { user } = useSession();
  return user ? <Navigate to={homeOf(user.role)} replace /> : <Loading />;
}

export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/sign-in" element={<SignIn />} />
        <Route
          element={
            <RequireSession>
              <Layout />
            </RequireSession>
          }
        >
          <Route index element={<Home />} />
          <Route path="queue" element={<Queue />} />
          <Route path="complaints/:id" element={<ComplaintPage />} />
          <Route path="dashboard" element={<Dashboard />} />
          <Route path="dashboard/complaints" element={<DrillDown />} />
          <Route path="cycles" element={<Board />} />
          <Route path="cycles/new" element={<NewCycle />} />
          <Route path="cycles/:id" element={<CyclePage />} />
          <Route path="audit" element={<AuditSearch />} />
          <Route path="audit/history/:kind/:id" element={<AuditHistory />} />
          <Route path="audit/verify" element={<AuditVerify />} />
          <Route path="admin/users" element={<Users />} />
          <Route path="admin/keys" element={<Keys />} />
          <Route path="admin/policies" element={<Policies />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
