/**
 * Request and response schemas of sign-in (src/api/routes/auth.ts). Pure zod:
 * the web app imports the types from here.
 */
import { z } from 'zod';
import { ROLES } from '../domain/actors';
import { PASSWORD_POLICY } from '../services/passwords';

/** Any string may be tried (an unknown user is just a wrong sign-in); bounded so no one hashes megabytes. */
export const loginBody = z.strictObject({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

/** A new password, as the policy allows (src/services/passwords.ts). */
export const newPassword = z
  .string()
  .refine((p) => [...p].length >= PASSWORD_POLICY.min, `must be at least ${PASSWORD_POLICY.min} characters`)
  .refine((p) => [...p].length <= PASSWORD_POLICY.max, `must be at most ${PASSWORD_POLICY.max} characters`)
  .describe(`${PASSWORD_POLICY.min}-${PASSWORD_POLICY.max} characters; stored only as an argon2id hash`);

export const setPasswordBody = z.strictObject({ password: newPassword });

export const passwordSet = z.object({ userId: z.string(), sessionsEnded: z.number().int().describe("the user's sessions ended by the change") });

export const sessionUser = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES), queues: z.array(z.string()) });

export const sessionView = z.object({
  user: sessionUser,
  csrfToken: z.string().describe('send it in the x-csrf-token header with every write made with the session cookie'),
  expiresAt: z.iso.datetime().describe('the absolute end of the session'),
  idleExpiresAt: z.iso.datetime().describe('when the session ends unless used before (each use moves it forward)'),
});

export const providersView = z.object({
  password: z.literal(true),
  oidc: z.object({ name: z.string(), loginUrl: z.string() }).nullable(),
});

export const oidcLoginQuery = z.strictObject({
  returnTo: z.string().max(500).optional().describe('a path under /app/ to come back to after sign-in'),
});

/** What the provider sends back (RFC 6749 4.1.2 and 4.1.2.1, RFC 9207). */
export const oidcCallbackQuery = z.strictObject({
  code: z.string().max(2000).optional(),
  state: z.string().max(500).optional(),
  iss: z.string().max(500).optional(),
  session_state: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  error_uri: z.string().max(1000).optional(),
});

export type LoginBody = z.infer<typeof loginBody>;
export type SessionView = z.infer<typeof sessionView>;
export type ProvidersView = z.infer<typeof providersView>;
