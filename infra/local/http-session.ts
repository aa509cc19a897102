import type { StoredMail } from './mail-desk.ts';

/**
 * A signed-in HTTP client (the demo seed and the tests): goes through the real sign-in flow (GET /auth/login → the
 * local issuer's sign-in page → POST the chosen user → /auth/callback) and keeps the cookies.
 */
export class Session {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (!pair || i < 0) continue;
      const k = pair.slice(0, i).trim();
      const v = pair.slice(i + 1).trim();
      if (v === '' || /Max-Age=0/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }

  async request(path: string, init: RequestInit & { form?: Record<string, string> } = {}): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.baseUrl}${path}`;
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    // As a browser does: a state-changing request says which origin it comes from (the app's CSRF
    // rule refuses one without it). A test may set its own to prove the refusal.
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD' && !headers.has('origin'))
      headers.set('origin', new URL(url).origin);
    let body = init.body;
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { ...init, body, headers, redirect: 'manual' });
    this.keep(res);
    return res;
  }

  /** A cookie this session holds (e.g. to replay it elsewhere). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, form: Record<string, string>) {
    return this.request(path, { method: 'POST', form });
  }

  /** A form post with repeated fields (checkboxes), in order. */
  postEntries(path: string, entries: [string, string][]) {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(entries).toString(),
    });
  }

  async signIn(sub: string): Promise<this> {
    const login = await this.get('/auth/login');
    const authorize = new URL(login.headers.get('location') ?? '');
    const form = Object.fromEntries(authorize.searchParams);
    const chosen = await this.post('/local-auth/oauth2/authorize', { ...form, sub });
    const callback = chosen.headers.get('location');
    if (!callback) throw new Error(`sign-in failed: ${chosen.status} ${await chosen.text()}`);
    const done = await this.get(callback);
    if (done.status !== 303) throw new Error(`callback failed: ${done.status} ${await done.text()}`);
    return this;
  }
}

export const USERS = {
  referrer: 'local-referrer-anna',
  otherReferrer: 'local-referrer-erik',
  coordinator: 'local-coordinator-karin',
  supervisor: 'local-supervisor-sami',
  admin: 'local-admin-ali',
} as const;

/** Mail as the local SES stores it (GET /store). */
export type { StoredMail };

export async function inbox(sesUrl: string): Promise<StoredMail[]> {
  const r = await fetch(`${sesUrl}/store`);
  return ((await r.json()) as { emails: StoredMail[] }).emails;
}
