import { MicroContainerError } from '../errors.js';

/**
 * An archive could not be handed to the Actions cache at all: the file to save is missing
 * or unreadable. Cache service failures are not errors: save and restore report them.
 */
export class ArchiveCacheError extends MicroContainerError {
  override name = 'ArchiveCacheError';
}
