/**
 * The console's pages refresh by themselves with JavaScript: every 20 s, while the tab is visible
 * and nobody is typing in it, the page is fetched again and each `[data-live]` region swapped for
 * the new one. Without JavaScript the pages work the same with their "Refresh" link.
 * Served from the app's own origin (the CSP allows scripts from 'self' only).
 */
export const LIVE_SCRIPT = `(() => {
  const regions = () => [...document.querySelectorAll('[data-live]')];
  if (regions().length === 0) return;
  const busy = () => {
    const a = document.activeElement;
    return !!a && a !== document.body && a.closest('[data-live]') && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(a.tagName);
  };
  const tick = async () => {
    if (document.visibilityState !== 'visible' || busy()) return;
    try {
      const res = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok || !(res.headers.get('content-type') || '').startsWith('text/html')) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const el of regions()) {
        const next = doc.querySelector('[data-live="' + el.getAttribute('data-live') + '"]');
        if (next && next.innerHTML !== el.innerHTML) el.innerHTML = next.innerHTML;
      }
    } catch {}
  };
  setInterval(tick, 20000);
})();
`;
