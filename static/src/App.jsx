// The shell: session restore, login, language, navigation, the shared range picker and
// the page for the current path. Pages above the user's role are not linked; reached by
// URL, they show the API's 403 plainly. On a phone the header is one line (brand, menu,
// sign-out) over the range picker; the menu button opens the navigation and the account.
// After sign-in and after each navigation the focus goes to the page's heading.
import { useEffect, useMemo, useRef, useState } from 'react';
import { LangContext, translate, initialLang, useI18n } from './lib/i18n.js';
import { restore, onSession, currentUser, logout, roleAtLeast, hasSessionFlag } from './lib/api.js';
import { useLocation, navigate, hrefWithQuery } from './lib/router.js';
import { RangePicker } from './components/RangePicker.jsx';
import { preloadCharts } from './components/Chart.jsx';
import { Loading } from './components/States.jsx';
import { Login } from './pages/Login.jsx';
import { Overview } from './pages/Overview.jsx';
import { Visitors } from './pages/Visitors.jsx';
import { UxSignals } from './pages/UxSignals.jsx';
import { Entities } from './pages/Entities.jsx';
import { Reviews } from './pages/Reviews.jsx';
import { Recommendations } from './pages/Recommendations.jsx';
import { Metadata } from './pages/Metadata.jsx';
import { Performance } from './pages/Performance.jsx';
import { Funnel } from './pages/Funnel.jsx';
import { System } from './pages/System.jsx';
import { Behaviour } from './pages/Behaviour.jsx';
import { Journeys } from './pages/Journeys.jsx';
import { PageDetail } from './pages/PageDetail.jsx';
import { Keywords } from './pages/Keywords.jsx';
import { Media } from './pages/Media.jsx';
import { Experiments } from './pages/Experiments.jsx';
import { Integrations } from './pages/Integrations.jsx';
import { Content } from './pages/Content.jsx';
import { Drafts } from './pages/Drafts.jsx';
import { Schema } from './pages/Schema.jsx';
import { Local } from './pages/Local.jsx';
import { Competitors } from './pages/Competitors.jsx';

export const PAGES = [
  { path: '/', key: 'nav.overview', component: Overview, role: 'viewer' },
  { path: '/visitors', key: 'nav.visitors', component: Visitors, role: 'viewer' },
  { path: '/ux-signals', key: 'nav.ux', component: UxSignals, role: 'viewer' },
  { path: '/funnel', key: 'nav.funnel', component: Funnel, role: 'viewer' },
  { path: '/entities', key: 'nav.entities', component: Entities, role: 'viewer' },
  { path: '/reviews', key: 'nav.reviews', component: Reviews, role: 'viewer' },
  { path: '/keywords', key: 'nav.keywords', component: Keywords, role: 'viewer' },
  { path: '/media', key: 'nav.media', component: Media, role: 'viewer' },
  { path: '/experiments', key: 'nav.experiments', component: Experiments, role: 'viewer' },
  { path: '/content', key: 'nav.content', component: Content, role: 'viewer' },
  { path: '/drafts', key: 'nav.drafts', component: Drafts, role: 'viewer' },
  { path: '/schema', key: 'nav.schema', component: Schema, role: 'viewer' },
  { path: '/local', key: 'nav.local', component: Local, role: 'viewer' },
  { path: '/competitors', key: 'nav.competitors', component: Competitors, role: 'viewer' },
  { path: '/recommendations', key: 'nav.recommendations', component: Recommendations, role: 'viewer' },
  { path: '/behaviour', key: 'nav.behaviour', component: Behaviour, role: 'viewer' },
  { path: '/metadata', key: 'nav.metadata', component: Metadata, role: 'viewer' },
  { path: '/journeys', key: 'nav.journeys', component: Journeys, role: 'viewer' },
  { path: '/performance', key: 'nav.performance', component: Performance, role: 'analyst' },
  { path: '/system', key: 'nav.system', component: System, role: 'viewer' },
  { path: '/integrations', key: 'nav.integrations', component: Integrations, role: 'analyst' },
  { path: '/seite', key: 'nav.page', component: PageDetail, role: 'viewer', nav: false },
];

// A returning user's chart code loads while the session is restored, before any data.
if (hasSessionFlag()) preloadCharts();

export function App() {
  const [lang, setLangState] = useState(initialLang);
  const [user, setUser] = useState(undefined);          // undefined: still restoring
  const [notice, setNotice] = useState(null);
  const loggedIn = useRef(false);      // the shell was reached through the form: focus its heading
  const { path } = useLocation();

  const i18n = useMemo(() => ({
    lang,
    t: (k, v) => translate(lang, k, v),
    setLang: (l) => { try { localStorage.setItem('zoe_lang', l); } catch { /* ignore */ } setLangState(l); },
  }), [lang]);

  useEffect(() => { document.documentElement.lang = lang; }, [lang]);

  useEffect(() => {
    const off = onSession((u, reason) => {
      setUser(u ? { ...u } : null);
      if (!u && reason === 'expired') setNotice('auth.expired');
      if (u) setNotice(null);
      if (reason === 'login') { loggedIn.current = true; preloadCharts(); }
    });
    restore().finally(() => setUser(currentUser()));
    return off;
  }, []);

  const page = PAGES.find((p) => p.path === path) || PAGES[0];
  useEffect(() => {
    document.title = `${translate(lang, page.key)} – ZOE Solar`;
  }, [lang, page.key]);

  let body;
  if (user === undefined) body = <main className="center"><Loading /></main>;
  else if (!user) body = <Login notice={notice} />;
  else body = <Shell user={user} page={page} focusFirst={loggedIn} />;
  return <LangContext.Provider value={i18n}>{body}</LangContext.Provider>;
}

function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const other = lang === 'de' ? 'en' : 'de';
  return (
    <button type="button" className="btn-link" onClick={() => setLang(other)} lang={other} data-testid="lang-switch"
      title={t('lang.switch.label')}>
      {t('lang.switch')}
    </button>
  );
}

/** Moves the focus to the page's heading (or the main region when a page has none). */
function focusHeading() {
  const h = document.querySelector('#main h1');
  if (h && !h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1');
  (h || document.getElementById('main'))?.focus({ preventScroll: true });
}

function Shell({ user, page, focusFirst }) {
  const { t } = useI18n();
  const [menu, setMenu] = useState(false);
  const Page = page.component;
  useEffect(() => {
    preloadCharts();                     // the chart code loads alongside the first data, not after it
    if (focusFirst.current) { focusFirst.current = false; requestAnimationFrame(focusHeading); }
  }, [focusFirst]);
  const onNav = (e, to) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    setMenu(false);
    navigate(hrefWithQuery(to));
    requestAnimationFrame(focusHeading);
  };
  return (
    <div className="shell" data-menu={menu ? 'open' : 'closed'}>
      <a className="skip" href="#main">{t('app.skip')}</a>
      <header className="topbar">
        <div className="brand"><span className="logo" aria-hidden="true">☀</span> ZOE Solar</div>
        <RangePicker />
        <button type="button" className="btn-secondary menu-btn" aria-expanded={menu} aria-controls="sidenav"
          onClick={() => setMenu(!menu)} data-testid="menu">
          <span aria-hidden="true">☰</span> {t('app.menu')}
        </button>
        <div className="userbox" role="group" aria-label={t('app.account')}>
          <LangSwitch />
          <span className="user" data-testid="user">
            {user.email} · <span data-testid="role">{t(`role.${user.role}`)}</span>
          </span>
        </div>
        <button type="button" className="btn-secondary logout" data-testid="logout" onClick={() => logout()}>{t('auth.logout')}</button>
      </header>
      <nav id="sidenav" className="sidenav" aria-label={t('nav.label')}>
        <ul>
          {PAGES.filter((p) => p.nav !== false && roleAtLeast(user.role, p.role)).map((p) => (
            <li key={p.path}>
              <a href={hrefWithQuery(p.path)} onClick={(e) => onNav(e, p.path)} aria-current={p === page ? 'page' : undefined}
                data-testid={`nav-${p.path.slice(1) || 'overview'}`}>
                {t(p.key)}
              </a>
            </li>
          ))}
          <li><a href="/api/docs/" data-testid="nav-api-docs">{t('nav.apidocs')}</a></li>
        </ul>
      </nav>
      <main id="main" tabIndex={-1} className="content" data-page={page.path}>
        <Page user={user} need={page.role} />
        <footer className="footnote">{t('footer.source')}</footer>
      </main>
    </div>
  );
}
