/**
 * The one rule of Keel's attempt lockouts (password logins, wallet verification), over a row
 * with `failures` and `locked_until`: an attempt is counted before it is checked; while the
 * lockout lasts nothing changes; the first attempt after it ends starts counting at 1; the
 * attempt past `max` starts a lockout of `seconds`. One row-locked statement, so concurrent
 * attempts can never check more than `max` between lockouts.
 *
 * `row` qualifies the current values (the table name in an UPDATE, the conflict alias in
 * an `INSERT … ON CONFLICT DO UPDATE`); `max` and `seconds` are the statement's parameter
 * placeholders. Only Keel's fixed statement texts are built with it.
 */
export function countAttemptAssignments(row: string, max: string, seconds: string): string {
  return `failures = CASE
             WHEN ${row}.locked_until > now() THEN ${row}.failures
             WHEN ${row}.locked_until IS NOT NULL THEN 1
             ELSE ${row}.failures + 1 END,
           locked_until = CASE
             WHEN ${row}.locked_until > now() THEN ${row}.locked_until
             WHEN ${row}.locked_until IS NOT NULL THEN NULL
             WHEN ${row}.failures + 1 > ${max} THEN now() + make_interval(secs => ${seconds})
             ELSE NULL END`;
}

/** Whole seconds until a lockout ends (at least 1): `Retry-After` and `details.retryAfterSeconds`. */
export function retryAfterSeconds(lockedUntil: Date): number {
  return Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000));
}
