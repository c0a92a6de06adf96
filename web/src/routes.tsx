/**
 * Every screen and its address under /app/. Pages are loaded on demand so the
 * first paint (sign-in, queue) does not wait for the chart library.
 */
import { Component, type ComponentType, type ErrorInfo, lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Layout } from './components/Layout';
import { Loading, ProblemView } from './components/States';
import { homeOf, useSession } from './session';

const RELOADED_FOR_CHUNK = 'ql.reloadedForChunk';

/**
 * A page loaded on demand. After a deploy, an open tab may ask for a chunk the
 * new build no longer has: reload once (the new index.html names the new
 * chunks); a second failure is shown by the error boundary.
 */
function page<T extends ComponentType>(load: () => Promise<{ default: T }>) {
  return lazy(() =>
    load().then(
      (module) => {
        sessionStorage.removeItem(RELOADED_FOR_CHUNK);
        return module;
      },
      (err: unknown) => {
        if (sessionStorage.getItem(RELOADED_FOR_CHUNK)) throw err;
        sessionStorage.setItem(RELOADED_FOR_CHUNK, '1');
        window.location.reload();
        return new Promise<{ default: T }>(() => {});
      },
    ),
  );
}

/** A page that throws shows the error instead of a blank screen; navigating elsewhere clears it. */
class PageErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: unknown }> {
  override state: { error: unknown } = { error: null };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('page failed', error, info.componentStack);
  }
  override render() {
    return this.state.error ? <ProblemView error={this.state.error} /> : this.props.children;
  }
}

const SignIn = page(() => import('./pages/SignIn'));
const Queue = page(() => import('./pages/agent/Queue'));
const ComplaintPage = page(() => import('./pages/agent/ComplaintPage'));
const Dashboard = page(() => import('./pages/supervisor/Dashboard'));
const DrillDown = page(() => import('./pages/supervisor/DrillDown'));
const Board = page(() => import('./pages/cycles/Board'));
const CyclePage = page(() => import('./pages/cycles/CyclePage'));
const NewCycle = page(() => import('./pages/cycles/NewCycle'));
const AuditSearch = page(() => import('./pages/audit/AuditSearch'));
const AuditHistory = page(() => import('./pages/audit/History'));
const AuditVerify = page(() => import('./pages/audit/Verify'));
const Users = page(() => import('./pages/admin/Users'));
const Keys = page(() => import('./pages/admin/Keys'));
const Policies = page(() => import('./pages/admin/Policies'));
const NotFound = page(() => import('./pages/NotFound'));

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
  const location = useLocation();
  return (
    <PageErrorBoundary resetKey={location.pathname}>
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
    </PageErrorBoundary>
  );
}
