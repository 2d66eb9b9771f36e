/** Any path under /dashboard/ that is not a page. Test hook: data-testid="not-found". */
import { Link } from '../router';

export function NotFoundPage({ route }: { route: string }) {
  return (
    <div class="card empty-card" data-testid="not-found">
      <h1>Page not found</h1>
      <p class="muted">
        There is no dashboard page at <code>{route}</code>.
      </p>
      <Link to="/clusters" class="btn btn-primary">
        Go to clusters
      </Link>
    </div>
  );
}
