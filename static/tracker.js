/* ZOE Solar tracker: pageviews, engagement, Core Web Vitals and events.
 *
 *   <script src="https://HOST/tracker.js" data-site="SITE_KEY" defer></script>
 *   optional: data-endpoint="https://HOST/api/level2/ux-signals/track"
 *
 * No cookies, no storage: the server derives a daily visitor id from a salted
 * hash. Vitals come from Google's web-vitals library when the page loads it
 * (its IIFE build defines window.webVitals: onLCP, onINP, onCLS, onFCP,
 * onTTFB), asked for final values only; without it, LCP, CLS, FCP and TTFB
 * are measured here with PerformanceObserver (INP needs the library). Beacons
 * are batched and sent with sendBeacon when the page is hidden.
 * Goals: window.zoe.track('lead', {...}).
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.zoe) return;
  var site = script.getAttribute('data-site');
  var endpoint = script.getAttribute('data-endpoint') ||
    new URL('/api/level2/ux-signals/track', script.src).href;
  if (!site) return;

  var queue = [];
  var MAX_BATCH = 100;

  function push(beacon) {
    beacon.site = site;
    beacon.url = location.href;
    if (document.referrer) beacon.referrer = document.referrer;
    queue.push(beacon);
    if (queue.length >= MAX_BATCH) flush();
  }

  function flush() {
    while (queue.length) {
      var body = JSON.stringify(queue.splice(0, MAX_BATCH));
      // text/plain keeps sendBeacon free of a CORS preflight
      var blob = new Blob([body], { type: 'text/plain' });
      if (!(navigator.sendBeacon && navigator.sendBeacon(endpoint, blob))) {
        fetch(endpoint, { method: 'POST', body: blob, keepalive: true, mode: 'cors' })
          .catch(function () {});
      }
    }
  }

  // The library reports a vital again as it changes, with the page load's id:
  // a batch carries only the last report of each (the server keeps the last too).
  function vital(metric) {
    if (metric.id) {
      queue = queue.filter(function (b) {
        return !(b.type === 'vital' && b.name === metric.name && b.id === metric.id);
      });
    }
    push({
      type: 'vital', name: metric.name, value: metric.value, rating: metric.rating,
      delta: metric.delta, id: metric.id, navigationType: metric.navigationType
    });
  }

  // ---- web vitals ----
  var wv = window.webVitals;
  if (wv && wv.onLCP) {
    // final values only: CLS and INP once when the page is hidden, not every change
    var final = { reportAllChanges: false };
    wv.onLCP(vital, final); wv.onCLS(vital, final); wv.onFCP(vital, final);
    wv.onTTFB(vital, final);
    if (wv.onINP) wv.onINP(vital, final);
  } else if ('PerformanceObserver' in window) {
    var id = 'v1-' + Date.now() + '-' + Math.floor(Math.random() * 1e12);
    var nav = (performance.getEntriesByType('navigation')[0] || {});
    var navType = nav.type || 'navigate';
    var lcp = 0, cls = 0, sessionValue = 0, sessionEntries = [];
    var observe = function (type, cb) {
      try {
        var o = new PerformanceObserver(function (l) { l.getEntries().forEach(cb); });
        o.observe({ type: type, buffered: true });
        // entries queued but not yet delivered (the callback runs as a later task,
        // which a page hidden right away never reaches), handed over on demand
        return function () { o.takeRecords().forEach(cb); };
      } catch (e) { return function () {}; /* unsupported */ }
    };
    var flushLcp = observe('largest-contentful-paint', function (e) { lcp = e.startTime; });
    var flushCls = observe('layout-shift', function (e) {
      if (e.hadRecentInput) return;
      var first = sessionEntries[0], last = sessionEntries[sessionEntries.length - 1];
      if (last && e.startTime - last.startTime < 1000 && e.startTime - first.startTime < 5000) {
        sessionValue += e.value; sessionEntries.push(e);
      } else {
        sessionValue = e.value; sessionEntries = [e];
      }
      if (sessionValue > cls) cls = sessionValue;
    });
    observe('paint', function (e) {
      if (e.name === 'first-contentful-paint') {
        vital({ name: 'FCP', value: e.startTime, id: id, navigationType: navType });
      }
    });
    if (nav.responseStart > 0) {
      vital({ name: 'TTFB', value: nav.responseStart, id: id, navigationType: navType });
    }
    var reported = false;
    var reportFinal = function () {
      if (reported) return;
      reported = true;
      flushLcp(); flushCls();
      if (lcp > 0) vital({ name: 'LCP', value: lcp, id: id, navigationType: navType });
      vital({ name: 'CLS', value: cls, id: id, navigationType: navType });
    };
    addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') reportFinal();
    }, true);
    addEventListener('pagehide', reportFinal, true);
  }

  // ---- engagement: visible time and deepest scroll ----
  var engaged = 0, visibleSince = document.visibilityState === 'visible' ? Date.now() : 0;
  var maxScroll = 0;
  function scrollPct() {
    var h = document.documentElement, b = document.body;
    var height = Math.max(h.scrollHeight, b ? b.scrollHeight : 0) - h.clientHeight;
    var pct = height > 0 ? (h.scrollTop || (b && b.scrollTop) || 0) / height * 100 : 100;
    if (pct > maxScroll) maxScroll = Math.min(100, Math.round(pct));
  }
  addEventListener('scroll', scrollPct, { passive: true });

  // hidden (another tab, minimised) or leaving: report the visible time so far
  function onHidden() {
    if (visibleSince) engaged += Date.now() - visibleSince;
    visibleSince = 0;
    scrollPct();
    if (engaged > 0) push({ type: 'engagement', engaged_ms: engaged, scroll_pct: maxScroll });
    engaged = 0;
    flush();
  }
  addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') onHidden();
    else visibleSince = Date.now();
  });
  addEventListener('pagehide', onHidden);

  window.zoe = {
    track: function (name, props) { push({ type: 'event', name: String(name), props: props || {} }); flush(); }
  };
  push({ type: 'pageview' });
  flush();
})();
