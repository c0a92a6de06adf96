import type { RouteDeps } from '../app';
import type { RouteSpec } from '../route';

/** Quality reviews: list, read, decisions, signatures, Markdown export. */
export function reviewRoutes(_deps: RouteDeps): RouteSpec[] {
  return [];
}
