/** Hash routing: `#/product`, `#/catalogue`, `#/settings`, `#/blog`, `#/design` work from any static host. */
import { useEffect, useState } from 'preact/hooks';

export const ROUTES = ['product', 'catalogue', 'settings', 'blog', 'design'] as const;
export type Route = (typeof ROUTES)[number];

export function currentRoute(): Route {
  const name = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'product';
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
