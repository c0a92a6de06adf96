import type { RouteDeps } from '../app';
import type { RouteSpec } from '../route';

/** Improvement triggers (versioned catalog), their dry run and last-run status. */
export function triggerRoutes(_deps: RouteDeps): RouteSpec[] {
  return [];
}
