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

// Root filesystems: the content-addressed store, downloads, safe extraction.
export { RootStore, type RootEntry } from './rootfs/store.js';
export { addRoot, type AddRootOptions, type AddRootResult } from './rootfs/add.js';
export { download, type DownloadOptions, type DownloadResult } from './rootfs/download.js';
export { extractArchive, type ExtractOptions, type ExtractResult } from './rootfs/extract.js';
export { RootfsError } from './rootfs/errors.js';

// /trees build roots and containerize.
export { planContainerize, runContainerize } from './trees/containerize.js';
export { buildContainerizeSpec, type ContainerizeConfig, type ContainerizeSpec } from './trees/containerize-spec.js';
export { cloneInstance, ensureInstance, removeInstance, TreesError, type CloneOptions, type CloneResult } from './trees/clone.js';
export { listGroups, listInstances } from './trees/layout.js';

// Image layers and OCI export.
export { saveLayer, type SaveLayerOptions, type SavedLayer } from './image/layer-save.js';
export { applyLayer, type ApplyLayerOptions, type AppliedLayer } from './image/layer-apply.js';
export { parseLayerCompression, type LayerCompression } from './image/layer-compression.js';
export { exportOciLayout, type OciExportInput, type OciExportResult, type OciLayerInput } from './image/oci-export.js';
export { rootLayerFromDirectory, layerFromArchive } from './image/oci-layer-source.js';
export { ImageError } from './image/errors.js';

// The Actions cache, over archives micro-container wrote.
export { saveArchive, restoreArchive, type CacheCallOptions, type SaveArchiveResult, type RestoreArchiveResult } from './cache/archive-cache.js';
export { rootCacheKey, imageCacheKey, imageRestoreKeys, userImageKey } from './cache/keys.js';
export { cacheAvailable, type CacheAvailability } from './cache/availability.js';
export { ArchiveCacheError } from './cache/errors.js';

// Networks and cgroups.
export { DEFAULT_POOL, parsePool, allocate, release, list as listNetworkLeases, renderHosts, type Lease, type Pool } from './net/index.js';
export { ContainerCgroup, detectCgroupLayout, hostCgroupLayout, parseCpus, parseMemory, parsePids, containerExit, type CgroupLayout, type CgroupLimits } from './cgroup/index.js';

// Images: the store, image files, --image, save.
export { ImageStore } from './image/store.js';
export { saveContainerImage } from './image/save.js';
export { writeImageFile, loadImageFile } from './image/image-file.js';
export { exportImage } from './image/export-image.js';
export { resolveImageConfig } from './image/resolve.js';
export { parseImageRef } from './image/image-ref.js';

// The running containers: ps, exec, stop, rm.
export { listContainers, stopContainer, removeContainer, execInContainer } from './jail/lifecycle.js';

// The library API (appcontainers'): a service, its containers, runs, files, images.
export { setupService, Service, type ServiceOptions, type LoadImageOptions } from './api/service.js';
export { Container, type RunOptions, type RunResult, type SavedContainerImage } from './api/container.js';
export { type ProvisionOptions, type WriteFileOptions, type Identity } from './api/options.js';
export { renderTemplate, type TemplateContext } from './api/template.js';
export { spawnLauncher, type SpawnedLauncher, type LauncherStdio } from './jail/run.js';
