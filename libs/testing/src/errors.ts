/**
 * A tool the test harness needs is not installed. The message names the
 * package and the exact command that installs it.
 */
export class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError';
  constructor(
    readonly tool: string,
    readonly pkg: string,
    readonly installCommand: string,
    detail?: string,
  ) {
    super(
      `${tool} is not available${detail ? ` (${detail})` : ''}. ` +
        `It comes from ${pkg}; install it with: ${installCommand}`,
    );
  }
}

/** A harness component did not become ready in time. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
  constructor(component: string, waitedMs: number, lastOutput: string) {
    super(
      `${component} did not become ready within ${waitedMs} ms` +
        (lastOutput ? `; last output:\n${lastOutput}` : ''),
    );
  }
}
