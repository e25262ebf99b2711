import createClient, { type Middleware } from 'openapi-fetch';
import { clearSession, getSession } from '../session/session-store';
import type { paths } from './schema';

const auth: Middleware = {
  onRequest({ request }) {
    const session = getSession();
    if (session) request.headers.set('authorization', `Bearer ${session.accessToken}`);
    return request;
  },
  onResponse({ request, response }) {
    // A refused token (expired, or its user disabled) ends the session; the staff pages then send the person to
    // /login and back to where they were.
    if (response.status === 401 && request.headers.has('authorization')) clearSession(true);
    return response;
  },
};

/** The one client every page goes through (via the hooks in queries.ts), typed from the API's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);
