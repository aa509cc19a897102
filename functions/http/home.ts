import { getDeps } from '#adapters/deps';
import { worklist } from '#core/use-cases/worklist';
import { todoPage } from '#web/todo-pages';
import { htmlResponse, httpHandler, redirect, signedIn } from './kit.ts';

/** The start page sends each role to where its work is: staff and case officers to "To do". */
export const handler = httpHandler('home', {
  'GET /': async ({ principal }) => {
    const groups = principal?.groups ?? [];
    if (groups.includes('admin') && !groups.includes('coordinator')) return redirect('/admin/runs');
    return redirect('/todo');
  },
  'GET /todo': async (req) => {
    const items = await worklist(getDeps(), signedIn(req));
    return htmlResponse(todoPage({ lang: req.lang, principal: signedIn(req), items }));
  },
});
