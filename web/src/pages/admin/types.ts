/** Types of the admin and catalog replies, from the API's own schemas and domain types (type-only imports). */
import type { z } from 'zod';
import type { issuedKey, keyList, keyView, userList, userView } from '../../../../src/api/admin-schemas';
import type { passwordSet } from '../../../../src/api/auth-schemas';
import type { BusinessCalendar } from '../../../../src/domain/calendar';
import type { SlaPolicyVersion } from '../../../../src/domain/sla-policy';

export type UserView = z.infer<typeof userView>;
export type UserList = z.infer<typeof userList>;
export type KeyView = z.infer<typeof keyView>;
export type KeyList = z.infer<typeof keyList>;
export type IssuedKey = z.infer<typeof issuedKey>;
export type PasswordSet = z.infer<typeof passwordSet>;

/** A stored version as GET /sla-policies/:id answers it (dates as JSON strings). */
export type PolicyVersionView = SlaPolicyVersion & { createdAt: string; createdBy: string };
export type CalendarVersionView = BusinessCalendar & { createdAt: string; createdBy: string };
