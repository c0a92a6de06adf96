import type { RouteDeps } from '../app';
import type { RouteSpec } from '../route';

/** KPIs, Pareto tables, control charts, backlog. */
export function analyticsRoutes(_deps: RouteDeps): RouteSpec[] {
  return [];
}
