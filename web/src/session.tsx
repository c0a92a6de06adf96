/**
 * Who is signed in. The session lives in an HttpOnly cookie the page cannot
 * read; GET /auth/session tells us the user and hands out the CSRF token.
 */
import { createContext, type ReactNode, startTransition, useCallback, useContext, useEffect, useState } from 'react';
import type { SessionView } from '../../src/api/auth-schemas';
import type { Role } from '../../src/domain/actors';
import { ApiError, api, onUnauthorized, setCsrfToken } from './api';

export type { Role } from '../../src/domain/actors';
/** What POST /auth/login and GET /auth/session answer (the API's own schema). */
export type SessionInfo = SessionView;
export type SessionUser = SessionView['user'];

interface SessionState {
  /** undefined while the first check runs; null when signed out. */
  user: SessionUser | null | undefined;
  /** Why the user was sent to sign in again (session expired), shown by the sign-in page. */
  expired: boolean;
  signIn(username: string, password: string): Promise<SessionUser>;
  signOut(): Promise<void>;
  /** Re-read the session (after an OIDC redirect). */
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  const adopt = useCallback((info: SessionInfo | null) => {
    setCsrfToken(info?.csrfToken ?? null);
    // A transition: the page that follows (loaded on demand) replaces the loading state as soon as
    // its code is there, instead of after React's 300 ms hold on a freshly shown Suspense fallback.
    startTransition(() => setUser(info?.user ?? null));
  }, []);

  const refresh = useCallback(async () => {
    try {
      adopt(await api.get<SessionInfo>('/auth/session', { quiet401: true }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) adopt(null);
      else throw err;
    }
  }, [adopt]);

  useEffect(() => {
    refresh().catch(() => adopt(null));
  }, [refresh, adopt]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setExpired(true);
        adopt(null);
      }),
    [adopt],
  );

  const signIn = useCallback(
    async (username: string, password: string) => {
      const info = await api.post<SessionInfo>('/auth/login', { username, password }, { quiet401: true });
      setExpired(false);
      adopt(info);
      return info.user;
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/logout', undefined, { quiet401: true });
    } finally {
      setExpired(false);
      adopt(null);
    }
  }, [adopt]);

  return <SessionContext.Provider value={{ user, expired, signIn, signOut, refresh }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (pages under the signed-in layout only). */
export function useUser(): SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}

/** Where each role starts. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'agent':
      return '/queue';
    case 'supervisor':
      return '/dashboard';
    case 'process_owner':
    case 'sponsor':
      return '/cycles';
    case 'auditor':
      return '/audit';
    case 'admin':
      return '/admin/users';
    default:
      return '/queue';
  }
}
