import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { unitQueues } from '#core/use-cases/places';
import { todo } from '#core/use-cases/worklist';
import { todoPage } from '#web/todo-pages';
import { htmlResponse, httpHandler, jsonResponse, redirect, signedIn } from './kit.ts';

/** The table answers a consistent-enough cheap read (one GetItem of a key that does not exist) in time. */
async function tableUp(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      getDeps().repo.getUnit('health-probe'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), 3000);
      }),
    ]);
    return true;
  } catch (err) {
    logger.warn('health probe failed', { error: (err as Error).name });
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The start page sends each role to where its work is: staff and case officers to "To do". */
export const handler = httpHandler('home', {
  'GET /health': async () =>
    (await tableUp()) ? jsonResponse({ status: 'up' }) : jsonResponse({ status: 'down' }, 503),
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
