import type { ComponentType } from "react";
import type { LazyRouteFunction, RouteObject } from "react-router";

// Each page's code loads when its route is first visited, so the first page (the dashboard, or
// sign-in) does not wait for the flow canvas, the charts of other pages and every form.
export function page<M>(load: () => Promise<M>, pick: (module: M) => ComponentType): LazyRouteFunction<RouteObject> {
  return async () => ({ Component: pick(await load()) });
}
