import type { Principal } from '@keel/operations';
import type { UserRecord } from '../users/user.repository';

/**
 * A user acting through a session: its roles gate what it may request (a
 * viewer only reads); no asset restriction.
 */
export function principalOfUser(user: UserRecord): Principal {
  return {
    kind: 'session',
    organizationId: user.organizationId,
    subjectId: `user:${user.id}`,
    userId: user.id,
    scope: user.roles.some((r) => r !== 'viewer') ? 'read-write' : 'read',
    roles: user.roles,
    assets: [],
  };
}
