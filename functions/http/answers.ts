import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { ValidationError } from '#core/errors';
import { answerLink, LinkGoneError, openLink } from '#core/use-cases/participant-links';
import { answeredPage, answerPage, gonePage } from '#web/participant-pages';
import { type HttpResult, htmlResponse, httpHandler, type Req } from './kit.ts';

/**
 * A participant's own link (`/m/{token}`). GET only shows the page (mail scanners and link
 * previews follow links); POST answers. A used, moved, cancelled, passed or unknown link answers
 * 410 Gone with a page that says so and gives the unit's phone. The token is never logged: the
 * log names the route, not the path.
 */
// The page keeps the default same-origin referrer policy: with no-referrer, browsers send
// `Origin: null` on the form's own POST, which the same-origin check must refuse. Nothing on the
// page links elsewhere (the phone link is tel:), so the link goes to no other site.
const privateHtml = (r: HttpResult): HttpResult => ({
  ...r,
  headers: { ...r.headers, 'x-robots-tag': 'noindex, nofollow' },
});

const path = (req: Req) => `/m/${req.params.token ?? ''}`;

/** The participant's language, unless they chose one on the page (`?lang=`). */
const langFor = (req: Req, participant?: 'sv' | 'en') =>
  req.query.lang || !participant ? req.lang : participant;

async function gone(req: Req, err: LinkGoneError) {
  logger.info('participant link gone', { reason: err.reason });
  return privateHtml(
    htmlResponse(
      gonePage({ lang: langFor(req, err.lang), path: path(req), reason: err.reason, phone: err.phone }),
      410,
    ),
  );
}

export const handler = httpHandler('answers', {
  'GET /m/{token}': async (req) => {
    try {
      const view = await openLink(getDeps(), req.params.token ?? '');
      return privateHtml(htmlResponse(answerPage({ lang: langFor(req, view.lang), path: path(req), view })));
    } catch (err) {
      if (err instanceof LinkGoneError) return gone(req, err);
      throw err;
    }
  },
  'POST /m/{token}': async (req) => {
    const deps = getDeps();
    try {
      const { answer, view } = await answerLink(deps, req.params.token ?? '', req.form);
      logger.info('participant answered', { answer });
      return privateHtml(
        htmlResponse(answeredPage({ lang: langFor(req, view.lang), path: path(req), view, answer })),
      );
    } catch (err) {
      if (err instanceof LinkGoneError) return gone(req, err);
      if (err instanceof ValidationError) {
        const view = await openLink(deps, req.params.token ?? '');
        return privateHtml(
          htmlResponse(
            answerPage({
              lang: langFor(req, view.lang),
              path: path(req),
              view,
              values: req.form,
              issues: err.issues,
            }),
            400,
          ),
        );
      }
      throw err;
    }
  },
});
