import { html } from '#web/html';
import { page } from '#web/layout';
import { htmlResponse, httpHandler, redirect } from './kit.ts';

/** The start page sends each role to where its work is. */
export const handler = httpHandler('home', {
  'GET /': async ({ principal, lang, path }) => {
    const groups = principal?.groups ?? [];
    if (groups.includes('admin')) return redirect('/admin/runs');
    if (groups.includes('referrer') || groups.includes('coordinator')) return redirect('/referrals');
    const title = lang === 'sv' ? 'Översikt' : 'Overview';
    const text = lang === 'sv' ? 'Du har inga uppgifter just nu.' : 'You have no tasks right now.';
    return htmlResponse(page({ lang, title, principal, path, body: html`<h1>${title}</h1><p>${text}</p>` }));
  },
});
