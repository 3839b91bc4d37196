import { MicroContainerError } from '../errors.js';

/**
 * A root filesystem could not be fetched or stored: a download failed, a digest did not
 * match. The message names the source, the problem and what to do about it.
 */
export class RootfsError extends MicroContainerError {
  override name = 'RootfsError';
}
