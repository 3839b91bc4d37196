// The library: what the CLI and the action use, for programs of your own.
export type { JailConfig, Volume } from './jail/config.js';
export { DEFAULT_LIBRARY_DIR } from './jail/config.js';
export { buildSpec, type JailSpec, type SpecFacts } from './jail/spec.js';
export { renderLauncher, renderPrelude, shQuote } from './jail/launcher.js';
export { writeLauncher, runLauncher, prepareDirs, type RunJailOptions } from './jail/run.js';
export { hostFacts } from './jail/host-facts.js';
export { planContainer, runContainer } from './container.js';
export { ConfigError, JailError, MicroContainerError, PrivilegeError } from './errors.js';
export { currentInvoker, resolveInvoker, parsePasswd, type Invoker, type PasswdEntry } from './identity.js';
export { VERSION } from './version.js';
