/** A route: the page name and its parameters (`#/campaigns/abc` → { page: 'campaign', id: 'abc' }). */
export interface Route {
  page:
    | 'wallboard' | 'console' | 'campaigns' | 'campaign' | 'new-campaign' | 'lists' | 'contacts'
    | 'users' | 'agents' | 'groups' | 'suppressions' | 'api-keys' | 'webhooks'
    | 'signin' | 'not-found';
  id?: string;
}

/** Parses a location hash into a route. The wallboard is the home page. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/wallboard';
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'wallboard':
      return { page: 'wallboard' };
    case 'console':
      return { page: 'console' };
    case 'lists':
      return { page: 'lists' };
    case 'contacts':
      return { page: 'contacts' };
    case 'users':
    case 'agents':
    case 'groups':
    case 'suppressions':
    case 'api-keys':
    case 'webhooks':
      return { page: parts[0] };
    case 'signin':
      return { page: 'signin' };
    case 'campaigns':
      if (parts[1] === 'new') return { page: 'new-campaign' };
      if (parts[1]) return { page: 'campaign', id: decodeURIComponent(parts[1]) };
      return { page: 'campaigns' };
    default:
      return { page: 'not-found' };
  }
}

/** The current route, following `hashchange`. */
export class Router {
  route = $state.raw<Route>(parseHash(location.hash));

  constructor() {
    addEventListener('hashchange', () => (this.route = parseHash(location.hash)));
  }

  go(hash: string): void {
    location.hash = hash;
  }
}
