/**
 * Every screen and its address under /app/. Pages are loaded on demand so the
 * first paint (sign-in, queue) does not wait for the chart library.
 */
import { Component, type ComponentType, type ErrorInfo, lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Layout } from './components/Layout';
import { Loading, ProblemView } from './components/States';
import { getEarly } from './api';
import { firstQueuePageUrl } from './pages/agent/queue-data';
import { homeOf, useSession } from './session';

const RELOADED_FOR_CHUNK = 'ql.reloadedForChunk';

/**
 * A page loaded on demand. After a deploy, an open tab may ask for a chunk the
 * new build no longer has: reload once (the new index.html names the new
 * chunks); a second failure is shown by the error boundary.
 */
function page<T extends ComponentType>(load: () => Promise<{ default: T }>) {
  return lazy(() =>
    loadOnce(load).then(
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

const loading = new Map<() => Promise<unknown>, Promise<unknown>>();
/** One download per chunk, whether asked for by the route or by the early start below. */
function loadOnce<T>(load: () => Promise<T>): Promise<T> {
  if (!loading.has(load)) loading.set(load, load());
  return loading.get(load) as Promise<T>;
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

const loadSignIn = () => import('./pages/SignIn');
const SignIn = page(loadSignIn);
const loadQueue = () => import('./pages/agent/Queue');
const Queue = page(loadQueue);
const loadComplaintPage = () => import('./pages/agent/ComplaintPage');
const ComplaintPage = page(loadComplaintPage);
const loadDashboard = () => import('./pages/supervisor/Dashboard');
const Dashboard = page(loadDashboard);
const loadDrillDown = () => import('./pages/supervisor/DrillDown');
const DrillDown = page(loadDrillDown);
const loadBoard = () => import('./pages/cycles/Board');
const Board = page(loadBoard);
const loadCyclePage = () => import('./pages/cycles/CyclePage');
const CyclePage = page(loadCyclePage);
const loadNewCycle = () => import('./pages/cycles/NewCycle');
const NewCycle = page(loadNewCycle);
const loadAuditSearch = () => import('./pages/audit/AuditSearch');
const AuditSearch = page(loadAuditSearch);
const loadAuditHistory = () => import('./pages/audit/History');
const AuditHistory = page(loadAuditHistory);
const loadAuditVerify = () => import('./pages/audit/Verify');
const AuditVerify = page(loadAuditVerify);
const loadUsers = () => import('./pages/admin/Users');
const Users = page(loadUsers);
const loadKeys = () => import('./pages/admin/Keys');
const Keys = page(loadKeys);
const loadPolicies = () => import('./pages/admin/Policies');
const Policies = page(loadPolicies);
const loadCustomers = () => import('./pages/admin/Customers');
const Customers = page(loadCustomers);
const loadSurveysHome = () => import('./pages/surveys/SurveysHome');
const SurveysHome = page(loadSurveysHome);
const loadNewDefinition = () => import('./pages/surveys/NewDefinition');
const NewDefinition = page(loadNewDefinition);
const loadDefinitionPage = () => import('./pages/surveys/DefinitionPage');
const DefinitionPage = page(loadDefinitionPage);
const loadNewCampaign = () => import('./pages/surveys/NewCampaign');
const NewCampaign = page(loadNewCampaign);
const loadCampaignPage = () => import('./pages/surveys/CampaignPage');
const CampaignPage = page(loadCampaignPage);
const loadFollowUps = () => import('./pages/supervisor/FollowUps');
const FollowUps = page(loadFollowUps);
// The customer's own page (a signed link, no session): outside the signed-in layout.
const loadCustomerPage = () => import('./pages/customer/CustomerPage');
const CustomerPage = page(loadCustomerPage);
const loadNotFound = () => import('./pages/NotFound');
const NotFound = page(loadNotFound);

/**
 * The page of the address the app opened on starts downloading at once,
 * alongside the session check, instead of after it (one round trip less to
 * the first data); the queue and a cycle page also start their data requests
 * then (api.ts getEarly).
 */
const EARLY: [RegExp, () => Promise<unknown>, ((match: RegExpExecArray) => string[])?][] = [
  [/^\/app\/queue\/?$/, loadQueue, () => [firstQueuePageUrl(window.location.search)]],
  [/^\/app\/complaints\//, loadComplaintPage],
  [/^\/app\/dashboard$/, loadDashboard],
  [
    /^\/app\/cycles\/(?!new$)([^/]+)$/,
    loadCyclePage,
    (m) => {
      const cycle = `/cycles/${encodeURIComponent(decodeURIComponent(m[1]!))}`;
      return [cycle, `${cycle}/report`];
    },
  ],
  [/^\/app\/cycles$/, loadBoard],
  [/^\/app\/audit$/, loadAuditSearch],
  [/^\/app\/customer$/, loadCustomerPage],
];
for (const [pattern, load, data] of EARLY) {
  const match = pattern.exec(window.location.pathname);
  if (!match) continue;
  void loadOnce(load).catch(() => undefined);
  for (const path of data?.(match) ?? []) getEarly(path);
  break;
}

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
          <Route path="/customer" element={<CustomerPage />} />
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
            <Route path="admin/customers" element={<Customers />} />
            <Route path="surveys" element={<SurveysHome />} />
            <Route path="surveys/new" element={<NewCampaign />} />
            <Route path="surveys/:id" element={<CampaignPage />} />
            <Route path="survey-definitions/new" element={<NewDefinition />} />
            <Route path="survey-definitions/:id" element={<DefinitionPage />} />
            <Route path="follow-ups" element={<FollowUps />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </Suspense>
    </PageErrorBoundary>
  );
}
