/**
 * Which view a path shows. One index.html serves every page; each view is its own lazy chunk, so the
 * wall never loads the briefing's code. To add a page: put the view in this folder and add a line here.
 */
import type { Component } from 'vue';

type Loader = () => Promise<{ default: Component }>;

const VIEWS: Record<string, Loader> = {
  '/': () => import('./WallView.vue'),
  '/briefing': () => import('./BriefingView.vue'),
  '/present': () => import('./PresentView.vue'),
  '/hazards': () => import('./HazardsView.vue'),
  '/import': () => import('./ImportView.vue'),
  '/login': () => import('./LoginView.vue'),
  '/desk': () => import('./DeskView.vue'),
  '/desk/report': () => import('./DeskReportView.vue'),
};

export function loaderFor(pathname: string): Loader {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return VIEWS[path] ?? (() => import('./NotFoundView.vue'));
}
