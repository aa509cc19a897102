import { getDeps } from '#adapters/deps';
import { unitQueues } from '#core/use-cases/places';
import { todo } from '#core/use-cases/worklist';
import { todoPage } from '#web/todo-pages';
import { htmlResponse, httpHandler, redirect, signedIn } from './kit.ts';

/** The start page sends each role to where its work is: staff and case officers to "To do". */
export const handler = httpHandler('home', {
  'GET /': async ({ principal }) => {
    const groups = principal?.groups ?? [];
    if (groups.includes('admin') && !groups.includes('coordinator')) return redirect('/admin/placements');
    return redirect('/todo');
  },
  'GET /todo': async (req) => {
    const deps = getDeps();
    const p = signedIn(req);
    const { items, answers } = await todo(deps, p);
    // Coordinators also see each unit's queue, in order of acceptance, with its places.
    const queues = p.groups.includes('coordinator') ? await unitQueues(deps) : [];
    return htmlResponse(todoPage({ lang: req.lang, principal: p, items, answers, queues }));
  },
});
