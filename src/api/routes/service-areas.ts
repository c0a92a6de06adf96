import type { RouteDeps } from '../app';
import type { RouteSpec } from '../route';

/** Service areas (versioned catalog) and service volume. */
export function serviceAreaRoutes(_deps: RouteDeps): RouteSpec[] {
  return [];
}
