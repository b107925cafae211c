// A page of the site as a link to its page view (/seite?url=…): every URL the dashboard
// shows goes through here, so one click answers "tell me about this page".
import { navigate } from '../lib/router.js';
import { pageHref, pathOf, isPageUrl } from '../lib/pages.js';

export function PageLink({ url, children, testid }) {
  if (!isPageUrl(url)) return <code>{url ?? '—'}</code>;
  const href = pageHref(url);
  const onClick = (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
    window.scrollTo(0, 0);
  };
  return (
    <a className="page-link" href={href} onClick={onClick} data-testid={testid} data-url={url}>
      {children ?? <code>{pathOf(url)}</code>}
    </a>
  );
}
