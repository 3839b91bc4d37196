import { MicroContainerError } from '../errors.js';

/**
 * An image layer could not be saved or applied: the upper layer holds something an OCI
 * layer cannot express, a tool failed, the layer file is malformed. The message names the
 * layer, the problem and what to do about it.
 */
export class ImageError extends MicroContainerError {
  override name = 'ImageError';
}
