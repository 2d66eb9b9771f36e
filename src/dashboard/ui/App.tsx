/** Picks the page for the current path under /dashboard/ and wraps it in the layout. */
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { Layout } from './components/Layout';
import { ClusterDetailPage } from './pages/ClusterDetailPage';
import { ClustersPage } from './pages/ClustersPage';
import { InfraPage } from './pages/InfraPage';
import { ManagedJobDetailPage } from './pages/ManagedJobDetailPage';
import { ManagedJobsPage } from './pages/ManagedJobsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { UsersPage } from './pages/UsersPage';
import { WorkspacesPage } from './pages/WorkspacesPage';
import { matchRoute, useRoute } from './router';
import { Toaster } from './toast';

type Page = (params: Record<string, string>) => JSX.Element;

const ROUTES: [string, Page][] = [
  ['/', () => <ClustersPage />],
  ['/clusters', () => <ClustersPage />],
  ['/clusters/:name', (p) => <ClusterDetailPage key={p.name} name={p.name} />],
  ['/clusters/:name/:job', (p) => <ClusterDetailPage key={p.name} name={p.name} job={p.job} />],
  ['/jobs', () => <ManagedJobsPage />],
  ['/jobs/:id', (p) => <ManagedJobDetailPage key={p.id} id={p.id} />],
  ['/infra', () => <InfraPage />],
  ['/users', () => <UsersPage />],
  ['/workspaces', () => <WorkspacesPage />],
];

const TITLES: Record<string, string> = {
  clusters: 'Clusters',
  jobs: 'Managed jobs',
  infra: 'Infra',
  users: 'Users',
  workspaces: 'Workspaces',
};

export function App() {
  const route = useRoute();
  let page: JSX.Element = <NotFoundPage route={route} />;
  for (const [pattern, render] of ROUTES) {
    const params = matchRoute(pattern, route);
    if (params) {
      page = render(params);
      break;
    }
  }
  const section = route.split('/')[1] || 'clusters';
  useEffect(() => {
    document.title = `${TITLES[section] ?? 'Not found'} · SkyPilot`;
  }, [section]);
  return (
    <Layout route={route}>
      {page}
      <Toaster />
    </Layout>
  );
}
