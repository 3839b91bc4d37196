/**
 * Typed errors, mapped once: to exit codes by the CLI (125 for anything that kept the
 * jail from being set up, as `docker run` does) and to core.setFailed by the action.
 */
export class MicroContainerError extends Error {
  /** Exit status the CLI uses for this error. */
  readonly exitCode: number = 125;
}

/** The user's input is wrong: an option, a path, a name. The message says what to fix. */
export class ConfigError extends MicroContainerError {
  override name = 'ConfigError';
}

/** The jail could not be set up (mounts, namespaces, privileges). */
export class JailError extends MicroContainerError {
  override name = 'JailError';
}

/** Root privileges are needed and could not be had (no root, no passwordless sudo). */
export class PrivilegeError extends MicroContainerError {
  override name = 'PrivilegeError';
}
