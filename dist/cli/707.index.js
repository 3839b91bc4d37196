export const id = 707;
export const ids = [707];
export const modules = {

/***/ 7707:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  imageCommand: () => (/* binding */ imageCommand)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/core/rootfs/store.ts
var rootfs_store = __webpack_require__(2006);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/core/exec.ts
var exec = __webpack_require__(2642);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: ./src/core/rootfs/compression.ts
var rootfs_compression = __webpack_require__(1977);
;// CONCATENATED MODULE: ./src/core/image/oci-digest.ts








/**
 * Digests of layer files, computed by streaming: a layer can be hundreds of megabytes, so
 * nothing here reads a whole file into memory.
 */
/** The compression of a file, from its first bytes. */
async function sniffCompression(file) {
    const fh = await (0,promises_.open)(file, 'r');
    try {
        const buf = Buffer.alloc(rootfs_compression/* MAGIC_BYTES */.kP);
        const { bytesRead } = await fh.read(buf, 0, rootfs_compression/* MAGIC_BYTES */.kP, 0);
        return (0,rootfs_compression/* detectCompression */.IR)(buf.subarray(0, bytesRead));
    }
    finally {
        await fh.close();
    }
}
/** sha256 of the file's bytes as they are (a blob's digest) and its size. */
async function fileDigest(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let size = 0;
    await (0,external_node_stream_promises_.pipeline)((0,external_node_fs_.createReadStream)(file, { highWaterMark: 1024 * 1024 }), async function* (src) {
        for await (const chunk of src) {
            hash.update(chunk);
            size += chunk.length;
        }
    });
    return { digest: `sha256:${hash.digest('hex')}`, size };
}
/**
 * sha256 of the decompressed tar (the layer's diff ID, which the image config lists).
 * gzip is inflated in-process; zstd (which Node 20's zlib lacks) by the zstd tool, hashed
 * by sha256sum in the same pipeline, under pipefail so that a corrupt file is an error and
 * not the digest of half a tar.
 */
async function uncompressedDigest(file, compression) {
    switch (compression) {
        case 'none':
            return (await fileDigest(file)).digest;
        case 'gzip': {
            const hash = (0,external_node_crypto_.createHash)('sha256');
            try {
                await (0,external_node_stream_promises_.pipeline)((0,external_node_fs_.createReadStream)(file, { highWaterMark: 1024 * 1024 }), (0,external_node_zlib_.createGunzip)({ chunkSize: 1024 * 1024 }), async function* (src) {
                    for await (const chunk of src)
                        hash.update(chunk);
                });
            }
            catch (err) {
                throw new errors/* ConfigError */.xL(`${file} is not a readable gzip file (${err.message}); give a valid gzip-compressed layer tar`);
            }
            return `sha256:${hash.digest('hex')}`;
        }
        case 'zstd': {
            const r = await (0,exec/* execCapture */.Wp)('bash', ['-c', 'set -o pipefail; zstd -dcq --long=31 -- "$1" | sha256sum', 'bash', file]);
            const hex = /^([0-9a-f]{64}) /.exec(r.stdout)?.[1];
            if (r.code !== 0 || !hex) {
                throw new errors/* ConfigError */.xL(`${file} could not be decompressed with zstd (${r.stderr.trim() || `exit ${r.code}`}); give a valid zstd-compressed layer tar (and make sure zstd is installed)`);
            }
            return `sha256:${hex}`;
        }
        default:
            throw new errors/* ConfigError */.xL(`${file} is ${compression}-compressed, which no OCI layer media type allows; recompress it with gzip or zstd (layerFromArchive does)`);
    }
}

;// CONCATENATED MODULE: ./src/core/image/oci-layer-source.ts







/**
 * The base of an image as an OCI layer. A root filesystem tarball compressed with gzip or
 * zstd (or not at all) already is one; an xz or bzip2 one is not (OCI has no media type
 * for them) and is recompressed here; a root that exists only as a directory is packed.
 */
/** The command line that compresses stdin to stdout. -n: no name or time in the gzip header, so the same tar gives the same blob. */
function compressorShell(compression) {
    switch (compression) {
        case 'gzip':
            return 'gzip -n -6';
        case 'zstd':
            return 'zstd -q -T0 -3';
        case 'none':
            return 'cat';
    }
}
function tempBeside(file) {
    return external_node_path_default().join(external_node_path_default().dirname(file), `.${external_node_path_default().basename(file)}.tmp-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
}
/** Runs a bash pipeline that writes `out` through a temp name; the rename makes it appear whole or not at all. */
async function writeThrough(out, script, args, what) {
    const tmp = tempBeside(out);
    try {
        const r = await (0,exec/* execCapture */.Wp)('bash', ['-c', `set -o pipefail; ${script}`, 'bash', tmp, ...args]);
        if (r.code !== 0)
            throw new errors/* ConfigError */.xL(`${what} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
        await (0,promises_.rename)(tmp, out);
    }
    catch (err) {
        await (0,promises_.rm)(tmp, { force: true });
        throw err;
    }
}
/**
 * Packs a root filesystem directory as a layer tar: numeric owners (the image's users are
 * not the host's), file capabilities kept (ping needs cap_net_raw), names sorted so the
 * same tree gives the same tar, never crossing into another file system mounted inside.
 * zstd by default: podman 4.3 and skopeo 1.9 (Debian 12, the oldest we meet) read it, and
 * it packs the Debian root ~5x faster than gzip; give 'gzip' for Docker < 23.
 */
async function rootLayerFromDirectory(dir, outFile, options = {}) {
    const st = await (0,promises_.stat)(dir).catch(() => undefined);
    if (!st?.isDirectory())
        throw new errors/* ConfigError */.xL(`root directory ${dir} does not exist or is not a directory; give the path of a root filesystem`);
    const compression = options.compression ?? 'zstd';
    await writeThrough(outFile, `tar --create --file - --directory "$2" --numeric-owner --xattrs --xattrs-include=security.capability --sort=name --one-file-system --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime . | ${compressorShell(compression)} > "$1"`, [dir], `packing ${dir} as a layer`);
    return { file: outFile, compression };
}
/**
 * Rewrites any tar archive (gzip, xz, zstd, bzip2 or plain) as a layer with `compression`:
 * the way to turn an xz root tarball into something an OCI image can hold.
 */
async function layerFromArchive(archive, outFile, options = {}) {
    const st = await (0,promises_.stat)(archive).catch(() => undefined);
    if (!st?.isFile())
        throw new errors/* ConfigError */.xL(`archive ${archive} does not exist or is not a file; give the path of a root filesystem tarball`);
    const compression = options.compression ?? 'zstd';
    const from = (0,rootfs_compression/* decompressorCommand */.S0)(await sniffCompression(archive));
    // The arguments are fixed words from decompressorCommand: safe to join into the script.
    const decompress = from ? [from.file, ...from.args].join(' ') : 'cat';
    await writeThrough(outFile, `${decompress} < "$2" | ${compressorShell(compression)} > "$1"`, [archive], `recompressing ${archive} as a ${compression} layer`);
    return { file: outFile, compression };
}

// EXTERNAL MODULE: ./src/core/image/oci-spec.ts
var oci_spec = __webpack_require__(5314);
;// CONCATENATED MODULE: ./src/core/image/oci-export.ts









function errno(err) {
    return err?.code;
}
/** Checks dest before any work: a `.tar` path, or a directory that is absent or empty. */
async function checkDest(dest) {
    if (dest === '')
        throw new errors/* ConfigError */.xL('no destination given for the OCI export; give a directory or a path ending in .tar');
    const st = await (0,promises_.lstat)(dest).catch((err) => {
        if (errno(err) === 'ENOENT')
            return undefined;
        throw err;
    });
    if (dest.endsWith('.tar')) {
        if (st && !st.isFile())
            throw new errors/* ConfigError */.xL(`${dest} exists and is not a regular file; give a new path ending in .tar, or remove it`);
        return 'tar';
    }
    if (st) {
        if (!st.isDirectory())
            throw new errors/* ConfigError */.xL(`${dest} exists and is not a directory; give a directory that is empty or absent, or a path ending in .tar`);
        if ((await (0,promises_.readdir)(dest)).length > 0)
            throw new errors/* ConfigError */.xL(`${dest} is not empty; give an empty or absent directory for the OCI layout`);
    }
    return 'directory';
}
function compressionFromInput(l, i) {
    if (l.mediaType !== undefined) {
        const c = (0,oci_spec/* layerCompressionOf */.vv)(l.mediaType);
        if (l.compression !== undefined && l.compression !== c) {
            throw new errors/* ConfigError */.xL(`layer ${i + 1}: media type ${l.mediaType} says ${c} but compression says ${l.compression}; give one of them`);
        }
        return c;
    }
    return l.compression;
}
/**
 * Puts one blob at `to`: a hard link (no copy) when on the same file system, else a reflink
 * where the file system can, else a copy. For a tar destination a symlink is enough: tar
 * follows it (-h) and the layer is read once, straight into the archive.
 */
async function placeBlob(from, to, viaSymlink) {
    if (viaSymlink)
        return (0,promises_.symlink)(external_node_path_default().resolve(from), to);
    try {
        await (0,promises_.link)(from, to);
    }
    catch (err) {
        if (!['EXDEV', 'EPERM', 'EMLINK'].includes(errno(err) ?? ''))
            throw err;
        await (0,promises_.copyFile)(from, to, external_node_fs_.constants.COPYFILE_FICLONE);
    }
}
async function prepareLayer(l, i, work, gzipOnly) {
    const where = `layer ${i + 1} (${l.file})`;
    const st = await (0,promises_.stat)(l.file).catch(() => undefined);
    if (!st?.isFile())
        throw new errors/* ConfigError */.xL(`${where} does not exist or is not a file; give the path of a layer tar`);
    const said = compressionFromInput(l, i);
    const actual = await sniffCompression(l.file);
    if (said !== undefined && said !== actual) {
        throw new errors/* ConfigError */.xL(`${where} is said to be ${said === 'none' ? 'an uncompressed tar' : said} but its first bytes say ${actual === 'none' ? 'uncompressed' : actual}; fix the media type or compression given for it`);
    }
    const createdBy = l.createdBy ?? `micro-container: layer ${i + 1}`;
    if (actual === 'xz' || actual === 'bzip2' || (actual === 'zstd' && gzipOnly)) {
        // A new file: digests given for the old bytes no longer apply, but a diff ID still does.
        const to = gzipOnly ? 'gzip' : 'zstd';
        const out = external_node_path_default().join(work, `layer-${i + 1}.tar.${to === 'gzip' ? 'gz' : 'zst'}`);
        await layerFromArchive(l.file, out, { compression: to });
        const { digest, size } = await fileDigest(out);
        const diffId = l.diffId !== undefined ? (0,oci_spec/* checkDigest */.H2)(l.diffId, `${where} diff ID`) : await uncompressedDigest(out, to);
        return { source: out, descriptor: { mediaType: (0,oci_spec/* layerMediaType */.sG)(to), digest, size }, diffId, createdBy };
    }
    const compression = actual;
    if (l.size !== undefined && l.size !== st.size)
        throw new errors/* ConfigError */.xL(`${where} is ${st.size} bytes, not the ${l.size} given; leave size out to have it measured`);
    const digest = l.digest !== undefined ? (0,oci_spec/* checkDigest */.H2)(l.digest, `${where} digest`) : (await fileDigest(l.file)).digest;
    const diffId = l.diffId !== undefined ? (0,oci_spec/* checkDigest */.H2)(l.diffId, `${where} diff ID`) : compression === 'none' ? digest : await uncompressedDigest(l.file, compression);
    if (compression === 'none' && diffId !== digest)
        throw new errors/* ConfigError */.xL(`${where} is an uncompressed tar, so its diff ID must equal its digest; leave one of them out`);
    return { source: l.file, descriptor: { mediaType: (0,oci_spec/* layerMediaType */.sG)(compression), digest, size: st.size }, diffId, createdBy };
}
/**
 * Writes an OCI image layout (image-spec image-layout.md) to `dest`: a directory (absent or
 * empty) or, for a path ending in `.tar`, the layout packed as one tar (what `podman load`
 * and `skopeo ... oci-archive:` read; an existing file there is replaced). It is built in a
 * temp sibling of dest and renamed into place at the end, so dest holds the whole image or
 * nothing. In a directory, blobs are hard links to the layer files where they can be: do
 * not rewrite a layer file in place afterwards.
 */
async function exportOciLayout(input, dest) {
    if (input.layers.length === 0)
        throw new errors/* ConfigError */.xL('an OCI image needs at least one layer; give the base root as the first layer');
    if (input.tag !== undefined)
        (0,oci_spec/* checkRefName */.hh)(input.tag);
    const format = await checkDest(dest);
    const parent = external_node_path_default().dirname(external_node_path_default().resolve(dest));
    await (0,promises_.mkdir)(parent, { recursive: true });
    const tmp = await (0,promises_.mkdtemp)(external_node_path_default().join(parent, `.${external_node_path_default().basename(dest)}.oci-tmp-`));
    const tmpTar = `${tmp}.tar`;
    try {
        const work = external_node_path_default().join(tmp, '.work');
        await (0,promises_.mkdir)(external_node_path_default().join(tmp, 'blobs/sha256'), { recursive: true });
        await (0,promises_.mkdir)(work);
        if (input.layerCompression !== undefined && !['keep', 'gzip'].includes(input.layerCompression)) {
            throw new errors/* ConfigError */.xL(`layer compression "${String(input.layerCompression)}" is not one of keep, gzip; leave it out to keep layers as they are`);
        }
        const gzipOnly = input.layerCompression === 'gzip';
        // One at a time: each layer is read once or twice from disk, and two cores are better
        // spent on one decompressor than split between two.
        const layers = [];
        for (const [i, l] of input.layers.entries())
            layers.push(await prepareLayer(l, i, work, gzipOnly));
        for (const l of layers) {
            const to = external_node_path_default().join(tmp, (0,oci_spec/* blobPath */.nD)(l.descriptor.digest));
            if (await (0,promises_.lstat)(to).catch(() => undefined))
                continue; // the same layer twice: one blob
            if (l.source.startsWith(work + (external_node_path_default()).sep))
                await (0,promises_.rename)(l.source, to);
            else
                await placeBlob(l.source, to, format === 'tar');
        }
        await (0,promises_.rm)(work, { recursive: true });
        const { config: c } = input;
        const platform = c.architecture ? { architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) } : (0,oci_spec/* ociPlatform */.Dr)(process.arch, (0,external_node_os_.endianness)());
        const configDoc = (0,oci_spec/* buildImageConfig */.uT)({
            run: c,
            diffIds: layers.map((l) => l.diffId),
            history: layers.map((l) => l.createdBy),
            created: c.created ?? new Date().toISOString(),
            platform,
        });
        const config = (0,oci_spec/* jsonBlob */.q2)(configDoc, oci_spec/* MEDIA_TYPE */.Ap.config);
        const layerDescriptors = layers.map((l) => l.descriptor);
        const manifest = (0,oci_spec/* jsonBlob */.q2)((0,oci_spec/* buildManifest */.u1)(config.descriptor, layerDescriptors), oci_spec/* MEDIA_TYPE */.Ap.manifest);
        const index = (0,oci_spec/* buildIndex */.Xh)(manifest.descriptor, input.tag);
        await (0,promises_.writeFile)(external_node_path_default().join(tmp, (0,oci_spec/* blobPath */.nD)(config.descriptor.digest)), config.bytes);
        await (0,promises_.writeFile)(external_node_path_default().join(tmp, (0,oci_spec/* blobPath */.nD)(manifest.descriptor.digest)), manifest.bytes);
        await (0,promises_.writeFile)(external_node_path_default().join(tmp, 'index.json'), (0,oci_spec/* canonicalJson */.dj)(index));
        await (0,promises_.writeFile)(external_node_path_default().join(tmp, 'oci-layout'), (0,oci_spec/* canonicalJson */.dj)(oci_spec/* OCI_LAYOUT */.xm));
        if (format === 'directory') {
            // rename(2) replaces an empty directory, and fails (ENOTEMPTY) if one was filled meanwhile.
            await (0,promises_.rename)(tmp, dest).catch((err) => {
                if (errno(err) === 'ENOTEMPTY' || errno(err) === 'EEXIST')
                    throw new errors/* ConfigError */.xL(`${dest} was filled while the image was written; give an empty or absent directory`);
                throw err;
            });
        }
        else {
            // Fixed owners, times and order: the same image gives the same tar.
            const r = await (0,exec/* execCapture */.Wp)('tar', [
                '--create', '--file', tmpTar, '--directory', tmp, '--dereference', '--hard-dereference', '--format=gnu', '--sort=name',
                '--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '--mode=u=rwX,go=rX', 'oci-layout', 'index.json', 'blobs',
            ]);
            if (r.code !== 0)
                throw new errors/* ConfigError */.xL(`packing the OCI layout as ${dest} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
            await (0,promises_.rename)(tmpTar, dest);
            await (0,promises_.rm)(tmp, { recursive: true, force: true });
        }
        return { dest, format, manifest: manifest.descriptor, config: config.descriptor, layers: layerDescriptors, diffIds: layers.map((l) => l.diffId) };
    }
    catch (err) {
        await (0,promises_.rm)(tmp, { recursive: true, force: true });
        await (0,promises_.rm)(tmpTar, { force: true });
        throw err;
    }
}

// EXTERNAL MODULE: ./src/core/image/resolve.ts
var resolve = __webpack_require__(7473);
;// CONCATENATED MODULE: ./src/core/image/export-image.ts






/**
 * `image export IMAGE --oci DEST`: an OCI image layout (directory, or a .tar) of the base
 * root and the image chain's layers, bottom first, with the image's settings as its
 * config. The base is the archive the root came from when the store kept it (recompressed
 * only when it is xz or bzip2), else the root directory packed as a layer.
 */
async function exportImage(store, ref, dest, opts = {}) {
    const image = store.resolve(ref);
    const chain = store.chain(image.digest);
    const base = image.manifest.base;
    const roots = new rootfs_store/* RootStore */.yd(store.libraryDir);
    (0,external_node_fs_.mkdirSync)(store.dir, { recursive: true });
    const work = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(store.dir, '.export-'));
    try {
        let baseLayer;
        if (base.id !== undefined && (0,rootfs_store/* validDigest */.z7)(base.id) && (0,external_node_fs_.existsSync)(roots.archivePath(base.id))) {
            baseLayer = { file: roots.archivePath(base.id), createdBy: `micro-container: base root ${(0,resolve.describeBase)(base)}` };
        }
        else {
            const dir = await (0,resolve.ensureBase)(store.libraryDir, base, opts.log);
            opts.log?.(`packing the base root ${dir} as a layer`);
            const file = external_node_path_default().join(work, 'base.tar.zst');
            await rootLayerFromDirectory(dir, file, { compression: 'zstd' });
            baseLayer = { file, compression: 'zstd', createdBy: `micro-container: base root ${(0,resolve.describeBase)(base)}` };
        }
        const layers = [baseLayer];
        for (const c of [...chain].reverse()) {
            const l = c.manifest.layer;
            layers.push({ file: store.blobPath(l.digest), mediaType: l.mediaType, digest: l.digest, diffId: l.diffId, size: l.size, createdBy: `micro-container: image save ${c.manifest.from ?? ''} (${c.digest})`.replace('  ', ' ') });
        }
        const s = (0,resolve.settingsOf)(chain);
        return await exportOciLayout({ layers, config: { env: s.env, workdir: s.workdir, user: s.user, created: image.manifest.created }, tag: opts.tag }, dest);
    }
    finally {
        (0,external_node_fs_.rmSync)(work, { recursive: true, force: true });
    }
}

// EXTERNAL MODULE: ./src/core/image/errors.ts
var image_errors = __webpack_require__(7082);
// EXTERNAL MODULE: ./src/core/image/image-ref.ts
var image_ref = __webpack_require__(9232);
// EXTERNAL MODULE: ./src/core/image/manifest.ts
var image_manifest = __webpack_require__(3512);
// EXTERNAL MODULE: ./src/core/image/store.ts + 12 modules
var image_store = __webpack_require__(4309);
;// CONCATENATED MODULE: ./src/core/image/image-file.ts










/**
 * An image FILE (`image save -o FILE`, for artifacts and caches) is one uncompressed tar
 * (its layer blobs are compressed already):
 *   manifest.json              the image's manifest (its sha256 is the image's digest)
 *   manifests/HEX.json         every manifest of its chain (the image's own too)
 *   blobs/sha256/HEX           every layer blob of the chain
 * so that it loads in a library dir that has none of it. Members are written with fixed
 * owners, modes and times and in a fixed order: the same image gives the same file.
 */
const MEMBER = /^(manifest\.json|manifests\/?|manifests\/[0-9a-f]{64}\.json|blobs\/?|blobs\/sha256\/?|blobs\/sha256\/[0-9a-f]{64})$/;
/** Writes image DIGEST (and its chain) to OUTFILE, atomically. */
async function writeImageFile(store, digest, outFile) {
    const out = external_node_path_default().resolve(outFile);
    const outDir = external_node_path_default().dirname(out);
    if (!(0,external_node_fs_.existsSync)(outDir))
        throw new errors/* ConfigError */.xL(`cannot write the image file ${out}: its directory does not exist (create it first)`);
    if ((0,external_node_fs_.existsSync)(out) && !(0,external_node_fs_.statSync)(out).isFile())
        throw new errors/* ConfigError */.xL(`${out} exists and is not a regular file: give a file path for -o`);
    const chain = store.chain(digest);
    for (const c of chain) {
        if (!store.hasBlob(c.manifest.layer.digest))
            throw new image_errors/* ImageError */.C(`the layer blob ${c.manifest.layer.digest} of image ${c.digest} is missing from the store; the image cannot be written (remove it and load or save it again)`);
    }
    (0,external_node_fs_.mkdirSync)(store.dir, { recursive: true });
    const staging = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(store.dir, '.file-'));
    const tmp = external_node_path_default().join(outDir, `.${external_node_path_default().basename(out)}.tmp-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
    try {
        (0,external_node_fs_.writeFileSync)(external_node_path_default().join(staging, 'manifest.json'), (0,external_node_fs_.readFileSync)(store.manifestPath(digest)));
        const manifests = [...new Set(chain.map((c) => `manifests/${(0,image_store/* hexOf */.Z)(c.digest)}.json`))].sort();
        const blobs = [...new Set(chain.map((c) => `blobs/sha256/${(0,image_store/* hexOf */.Z)(c.manifest.layer.digest)}`))].sort();
        const r = await (0,exec/* execCapture */.Wp)('tar', [
            '--create', `--file=${tmp}`, '--format=posix', '--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '--mode=a=r,u+w',
            '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
            `--directory=${staging}`, 'manifest.json', `--directory=${store.dir}`, ...manifests, ...blobs,
        ]);
        if (r.code !== 0)
            throw new image_errors/* ImageError */.C(`writing the image file ${out} failed: ${r.stderr.trim() || `tar exit status ${r.code}`}`);
        (0,external_node_fs_.renameSync)(tmp, out);
        return { file: out, chain, size: (0,external_node_fs_.statSync)(out).size };
    }
    finally {
        (0,external_node_fs_.rmSync)(staging, { recursive: true, force: true });
        (0,external_node_fs_.rmSync)(tmp, { force: true });
    }
}
/**
 * Loads an image file into the store: every member's name is checked before anything is
 * unpacked (only the three kinds above), every manifest's sha256 against its name, every
 * blob's sha256, size and uncompressed sha256 (diff_id) against its manifest, and the
 * chain must be complete (in the file or the store). Only then are blobs and manifests
 * moved into the store and the name set: a corrupt or truncated file loads nothing.
 */
async function loadImageFile(store, file, as) {
    const src = external_node_path_default().resolve(file);
    let st;
    try {
        st = (0,external_node_fs_.statSync)(src);
    }
    catch {
        throw new errors/* ConfigError */.xL(`image file ${src} does not exist: give the path of a file written by image save -o`);
    }
    if (!st.isFile())
        throw new errors/* ConfigError */.xL(`${src} is not a regular file: give the path of a file written by image save -o`);
    const name = as !== undefined ? (0,image_ref/* formatImageName */.eS)((0,image_ref/* parseImageName */["if"])(as)) : undefined;
    const bad = (why) => new image_errors/* ImageError */.C(`${src} is not a complete micro-container image file (${why}); nothing was loaded: save it again`);
    const list = await (0,exec/* execCapture */.Wp)('tar', ['--list', `--file=${src}`]);
    if (list.code !== 0)
        throw bad(`tar cannot read it: ${list.stderr.trim().split('\n').slice(-2).join('; ') || `exit ${list.code}`}`);
    const members = list.stdout.split('\n').filter((l) => l !== '');
    // Only files and directories: a link in an image file could make the unpacking write or read elsewhere.
    const verbose = await (0,exec/* execCapture */.Wp)('tar', ['--list', '--verbose', `--file=${src}`]);
    const kinds = verbose.stdout.split('\n').filter((l) => l !== '');
    if (verbose.code !== 0 || kinds.length !== members.length)
        throw bad('tar cannot list it');
    const odd = kinds.findIndex((l) => l[0] !== '-' && l[0] !== 'd');
    if (odd >= 0)
        throw bad(`${JSON.stringify(members[odd])} is not a regular file or directory`);
    const strange = members.find((m) => !MEMBER.test(m));
    if (strange !== undefined)
        throw bad(`it holds ${JSON.stringify(strange)}, which an image file does not`);
    if (!members.includes('manifest.json'))
        throw bad('it has no manifest.json');
    (0,external_node_fs_.mkdirSync)(store.dir, { recursive: true });
    const staging = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(store.dir, '.load-'));
    try {
        const x = await (0,exec/* execCapture */.Wp)('tar', ['--extract', `--file=${src}`, `--directory=${staging}`, '--no-same-owner', '--no-same-permissions', '--no-overwrite-dir']);
        if (x.code !== 0)
            throw bad(`unpacking failed: ${x.stderr.trim().split('\n').slice(-2).join('; ') || `exit ${x.code}`}`);
        const regular = (p) => {
            try {
                return (0,external_node_fs_.lstatSync)(p).isFile();
            }
            catch {
                return false;
            }
        };
        const topBytes = (0,external_node_fs_.readFileSync)(external_node_path_default().join(staging, 'manifest.json'));
        const top = (0,image_manifest/* decodeImageManifest */.pg)(topBytes, `manifest.json in ${src}`);
        const digest = sha256Of(topBytes);
        if (!regular(external_node_path_default().join(staging, 'manifest.json')))
            throw bad('manifest.json is not a regular file');
        // The chain, top first: each manifest from the file (checked) or the store.
        const fromFile = [];
        let newBlobs = 0;
        const seen = new Set();
        for (let d = digest, bytes = topBytes; d !== undefined;) {
            if (seen.has(d))
                throw bad(`its chain of parents loops at ${d}`);
            seen.add(d);
            const p = external_node_path_default().join(staging, 'manifests', `${(0,image_store/* hexOf */.Z)(d)}.json`);
            if (bytes === undefined && regular(p))
                bytes = (0,external_node_fs_.readFileSync)(p);
            let manifest;
            if (bytes !== undefined) {
                manifest = (0,image_manifest/* decodeImageManifest */.pg)(bytes, `manifest ${d} in ${src}`);
                const raw = sha256Of(bytes);
                if (raw !== d)
                    throw bad(`the manifest named ${d} has sha256 ${raw}`);
                if ((0,image_manifest/* encodeImageManifest */.j7)(manifest).digest !== d)
                    throw bad(`the manifest ${d} is not in canonical form`);
                fromFile.push({ digest: d, bytes, manifest });
            }
            else if (store.hasManifest(d)) {
                manifest = store.readManifest(d);
            }
            else {
                throw bad(`image ${d}, a parent in its chain, is neither in the file nor in ${store.libraryDir}`);
            }
            d = manifest.parent;
            bytes = undefined;
        }
        // Blobs: from the file, checked; or already in the store.
        const adopt = [];
        for (const m of fromFile) {
            const l = m.manifest.layer;
            const p = external_node_path_default().join(staging, 'blobs', 'sha256', (0,image_store/* hexOf */.Z)(l.digest));
            if (!regular(p)) {
                if (store.hasBlob(l.digest))
                    continue;
                throw bad(`the layer blob ${l.digest} of image ${m.digest} is missing`);
            }
            const { digest: got, size } = await fileDigest(p);
            if (got !== l.digest)
                throw bad(`the layer blob ${l.digest} has sha256 ${got}: it is damaged`);
            if (size !== l.size)
                throw bad(`the layer blob ${l.digest} is ${size} bytes, not ${l.size}`);
            let diffId;
            try {
                diffId = await uncompressedDigest(p, await sniffCompression(p));
            }
            catch (err) {
                throw bad(`the layer blob ${l.digest} cannot be decompressed: ${err.message}`);
            }
            if (l.diffId !== undefined && diffId !== l.diffId)
                throw bad(`the layer blob ${l.digest} unpacks to a tar with sha256 ${diffId}, not its diff_id ${l.diffId}`);
            adopt.push({ file: p, digest: l.digest });
        }
        // All checked: into the store, blobs first, manifests next, the name last.
        for (const a of adopt) {
            if (!store.hasBlob(a.digest))
                newBlobs++;
            store.adoptBlob(a.file, a.digest);
        }
        for (const m of [...fromFile].reverse())
            store.putManifest(m.manifest);
        const stored = digest;
        const finalName = name ?? (top.from ? safeName(top.from) : undefined);
        if (finalName !== undefined)
            await store.setName(finalName, stored);
        return { digest: stored, manifest: top, name: finalName, newBlobs };
    }
    finally {
        (0,external_node_fs_.rmSync)(staging, { recursive: true, force: true });
    }
}
function sha256Of(bytes) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex')}`;
}
/** The container name an image came from, as an image name, when it makes one. */
function safeName(from) {
    try {
        return (0,image_ref/* formatImageName */.eS)((0,image_ref/* parseImageName */["if"])(from.toLowerCase()));
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: ./src/core/jail/config.ts
var config = __webpack_require__(6412);
// EXTERNAL MODULE: ./src/core/jail/spec.ts
var spec = __webpack_require__(4721);
// EXTERNAL MODULE: ./src/core/jail/state.ts
var state = __webpack_require__(2233);
;// CONCATENATED MODULE: ./src/core/api/startup.ts



/**
 * A container's startup commands, kept in its state dir (LIBRARYDIR/app-NAME), so that a
 * later provision() of the same name has them, and `image save` puts them in the image's
 * manifest. Removed with the container (rm removes the state dir).
 */
const STARTUP_FILE = 'startup.json';
function readStartupCommands(stateDir) {
    try {
        const v = JSON.parse((0,external_node_fs_.readFileSync)(external_node_path_default().join(stateDir, STARTUP_FILE), 'utf8'));
        return Array.isArray(v.startup) ? v.startup.filter((c) => typeof c === 'string') : [];
    }
    catch {
        return [];
    }
}
/** Written atomically (temp name in the same directory, then rename). */
function writeStartupCommands(stateDir, commands) {
    writeAtomic(path.join(stateDir, STARTUP_FILE), `${JSON.stringify({ startup: commands }, null, 2)}\n`, 0o600);
}

// EXTERNAL MODULE: ./src/core/image/layer-tar-args.ts
var layer_tar_args = __webpack_require__(8514);
;// CONCATENATED MODULE: ./src/core/image/squash.ts





/**
 * Merges overlay layer directories (bottom first: applied image layers, then a
 * container's upper) into one directory that is itself an upper layer over the same
 * base: what `image save --squash` saves as ONE layer.
 *
 * Why not tar the merged view of an overlay mount: a mount of the layers without the base
 * shows what they hold, but consumes their whiteouts, so the base files the chain deleted
 * would come back. Here each layer is laid over the result with overlay's rules, keeping
 * what the base needs to know:
 * - a whiteout (char 0/0) replaces whatever is there and stays a whiteout;
 * - a non-directory replaces whatever is there;
 * - an opaque directory (trusted.overlay.opaque=y) replaces whatever is there, whole;
 * - a plain directory over a directory merges into it (its own metadata wins);
 * - a plain directory over a non-directory (a file or whiteout of a lower layer) hides the
 *   base below, so it is marked opaque here, as overlayfs itself does on copy-up.
 * Copies go through one GNU tar pipe per layer (owners, modes, xattrs, ACLs, device
 * nodes, hard links within a layer), the same extraction arguments as applying a layer.
 * Needs root. Hard links between files of different layers become copies.
 */
async function mergeLayerDirs(layersBottomFirst, dest, baseDir) {
    (0,external_node_fs_.mkdirSync)(dest, { recursive: true });
    for (const layer of layersBottomFirst) {
        const opaque = await opaqueDirs(layer);
        const take = [];
        const markOpaque = [];
        const walk = (rel) => {
            for (const name of (0,external_node_fs_.readdirSync)(external_node_path_default().join(layer, rel)).sort()) {
                const r = rel ? `${rel}/${name}` : name;
                const src = (0,external_node_fs_.lstatSync)(external_node_path_default().join(layer, r));
                const dst = lstatOrUndefined(external_node_path_default().join(dest, r));
                if (src.isDirectory() && !opaque.has(r) && dst?.isDirectory()) {
                    take.push(r);
                    walk(r);
                    continue;
                }
                if (dst)
                    (0,external_node_fs_.rmSync)(external_node_path_default().join(dest, r), { recursive: true, force: true });
                // dst is a lower layer's file or whiteout here: it hid the base's entry, and so must this directory.
                if (src.isDirectory() && !opaque.has(r) && dst)
                    markOpaque.push(r);
                addTree(layer, r, take);
            }
        };
        walk('');
        if (take.length)
            await copyMembers(layer, dest, take);
        for (const r of markOpaque) {
            const s = await (0,exec/* execCapture */.Wp)('setfattr', ['-h', '-n', 'trusted.overlay.opaque', '-v', 'y', external_node_path_default().join(dest, r)]).catch((err) => {
                throw new image_errors/* ImageError */.C(err.code === 'ENOENT' ? 'setfattr is needed to squash these layers: install the attr package' : `cannot run setfattr: ${err.message}`);
            });
            if (s.code !== 0)
                throw new image_errors/* ImageError */.C(`cannot mark ${r} opaque while squashing (setfattr from the attr package is needed): ${s.stderr.trim()}`);
        }
    }
    await dropIdleWhiteouts(dest, baseDir);
}
/**
 * Removes the whiteouts that hide nothing of the base: overlayfs lists a directory that
 * only one layer has (or an opaque one) as it is on disk, so a whiteout there would show
 * up as a name that cannot be opened. A container's upper never has such whiteouts (the
 * kernel makes one only over an entry of a lower layer), but a merge of layers does: the
 * file a lower layer added and a higher one deleted.
 */
async function dropIdleWhiteouts(dest, baseDir) {
    const opaque = await opaqueDirs(dest);
    const walk = (rel, underOpaque) => {
        for (const name of (0,external_node_fs_.readdirSync)(external_node_path_default().join(dest, rel))) {
            const r = rel ? `${rel}/${name}` : name;
            const s = (0,external_node_fs_.lstatSync)(external_node_path_default().join(dest, r));
            if (s.isDirectory())
                walk(r, underOpaque || opaque.has(r));
            else if (s.isCharacterDevice() && s.rdev === 0 && (underOpaque || !lstatOrUndefined(external_node_path_default().join(baseDir, r))))
                (0,external_node_fs_.rmSync)(external_node_path_default().join(dest, r));
        }
    };
    walk('', opaque.has(''));
}
function lstatOrUndefined(p) {
    try {
        return (0,external_node_fs_.lstatSync)(p);
    }
    catch {
        return undefined;
    }
}
/** REL and, for a directory, everything below it, parents first. */
function addTree(root, rel, out) {
    out.push(rel);
    const s = (0,external_node_fs_.lstatSync)(external_node_path_default().join(root, rel));
    if (!s.isDirectory())
        return;
    for (const name of (0,external_node_fs_.readdirSync)(external_node_path_default().join(root, rel)).sort())
        addTree(root, `${rel}/${name}`, out);
}
/** tar -c of exactly these members (no recursion) from FROM, extracted into TO. */
async function copyMembers(from, to, members) {
    const list = external_node_path_default().join(external_node_path_default().dirname(to), `.${external_node_path_default().basename(to)}.members`);
    (0,external_node_fs_.writeFileSync)(list, members.map((m) => `./${m}\0`).join(''));
    try {
        const extract = (0,layer_tar_args/* layerTarExtractArgs */.LO)(to).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        const create = ['--create', '--file=-', `--directory=${from}`, '--format=posix', '--numeric-owner', '--xattrs', '--xattrs-include=*', '--no-recursion', '--null', '--verbatim-files-from', `--files-from=${list}`];
        const script = `set -o pipefail; tar ${create.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} | tar ${extract}`;
        const r = await (0,exec/* execCapture */.Wp)('bash', ['-c', script]);
        if (r.code !== 0)
            throw new image_errors/* ImageError */.C(`copying ${from} while squashing layers failed (exit status ${r.code}): ${r.stderr.trim()}`);
    }
    finally {
        (0,external_node_fs_.rmSync)(list, { force: true });
    }
}
/** The directories of LAYER with trusted.overlay.opaque=y, as paths relative to it. */
async function opaqueDirs(layer) {
    // The dump format (-d) names each file that has the attribute; files without it are not listed.
    const d = await (0,exec/* execCapture */.Wp)('getfattr', ['-R', '-h', '-P', '-d', '-m', '^trusted\\.overlay\\.opaque$', '.'], { cwd: layer }).catch((err) => {
        throw new image_errors/* ImageError */.C(err.code === 'ENOENT' ? 'getfattr is needed to squash layers: install the attr package' : `cannot run getfattr: ${err.message}`);
    });
    if (d.code !== 0 && d.stdout === '')
        throw new image_errors/* ImageError */.C(`getfattr could not read the xattrs of ${layer}: ${d.stderr.trim()}`);
    const out = new Set();
    let file;
    for (const line of d.stdout.split('\n')) {
        const f = /^# file: (.*)$/.exec(line);
        if (f) {
            const name = unescapeGetfattr(f[1]);
            file = name === '.' ? '' : name.replace(/^\.\//, '');
            continue;
        }
        if (file !== undefined && /^trusted\.overlay\.opaque="y"$/.test(line))
            out.add(file);
    }
    return out;
}
/** getfattr writes odd bytes in names as \ooo. */
function unescapeGetfattr(s) {
    const bytes = [];
    for (let i = 0; i < s.length; i++) {
        const m = /^\\([0-7]{3})/.exec(s.slice(i));
        if (m) {
            bytes.push(parseInt(m[1], 8));
            i += 3;
        }
        else
            bytes.push(...Buffer.from(s[i]));
    }
    return Buffer.from(bytes).toString();
}

;// CONCATENATED MODULE: ./src/core/image/save.ts












/**
 * `image save NAME`: the container's upper layer as an image in the library dir. The base
 * recorded is the container's lower dir as its run record has it: a store root (by id and
 * source), or the image it was started from (which becomes the parent: only the new layer
 * is saved, unless squash merges the chain and the upper into one layer on the base).
 * Volumes' mount points are left out. The name is set last: until then there is no image.
 */
async function saveContainerImage(o) {
    if (!(0,spec/* validName */.iz)(o.container))
        throw new errors/* ConfigError */.xL(`container name '${o.container}' is not valid: give the name the container ran with (-n NAME)`);
    const cwd = o.cwd ?? process.cwd();
    const libraryDir = external_node_path_default().resolve(cwd, o.libraryDir || config/* DEFAULT_LIBRARY_DIR */.s);
    const name = (0,image_ref/* formatImageName */.eS)((0,image_ref/* parseImageName */["if"])(o.as ?? o.container.toLowerCase()));
    const stateDir = external_node_path_default().join(libraryDir, `app-${o.container}`);
    const rec = (0,state/* readRunRecord */.lR)(stateDir);
    if (!rec)
        throw new errors/* ConfigError */.xL(`container ${o.container} has no run record in ${libraryDir}: run it first (with the same -d), then save it`);
    if (rec.config.ephemeral)
        throw new errors/* ConfigError */.xL(`container ${o.container} last ran with --rm, so its upper layer is gone: run it without --rm to save what it builds`);
    const appDir = o.baseDir ? external_node_path_default().join(external_node_path_default().resolve(cwd, o.baseDir), `app-${o.container}`) : rec.appDir;
    const upper = external_node_path_default().join(appDir, 'upper');
    const { base, parent } = (0,resolve.baseOfLowerDirs)(libraryDir, rec.lowerDirs);
    const store = new image_store/* ImageStore */.D(libraryDir);
    const exclude = (rec.config.volumes ?? []).map((v) => v.guest);
    const chain = parent ? store.chain(parent.digest) : [];
    // Startup commands (the library's addStartupCommand) are kept beside the run record.
    const startup = readStartupCommands(stateDir);
    const own = { env: rec.config.env, workdir: rec.config.workdir, user: rec.config.user, ...(startup.length ? { startup } : {}) };
    let layer;
    let parentDigest = parent?.digest;
    let settings = own;
    if (o.squash && parent) {
        // The chain's settings are folded in: the squashed image has no parent to inherit from.
        const inherited = (0,resolve.settingsOf)(chain);
        settings = { ...inherited, ...dropEmpty(own), env: { ...(inherited.env ?? {}), ...(own.env ?? {}) } };
        // Startup commands add up: the chain's first, then the container's own.
        const allStartup = [...(inherited.startup ?? []), ...startup];
        if (allStartup.length)
            settings.startup = allStartup;
        const layerDirs = [];
        for (const c of [...chain].reverse())
            layerDirs.push(await store.ensureLayerDir(c.manifest.layer, o.log));
        const work = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(store.layersDir, '.squash-'));
        try {
            const merged = external_node_path_default().join(work, 'merged');
            o.log?.(`merging ${chain.length} layer(s) and the upper layer of ${o.container}`);
            await mergeLayerDirs([...layerDirs, upper], merged, await (0,resolve.ensureBase)(libraryDir, base, o.log));
            layer = await store.saveUpper(merged, { compression: o.compression, exclude });
        }
        finally {
            (0,external_node_fs_.rmSync)(work, { recursive: true, force: true });
        }
        parentDigest = undefined;
    }
    else {
        layer = await store.saveUpper(upper, { compression: o.compression, exclude });
    }
    const manifest = (0,image_manifest/* buildImageManifest */.$l)({ layer, base, parent: parentDigest, from: o.container, squashed: o.squash && parent ? true : undefined, settings });
    const digest = store.putManifest(manifest);
    await store.setName(name, digest);
    return { name, digest, manifest, libraryDir };
}
function dropEmpty(o) {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
}

// EXTERNAL MODULE: ./src/core/image/layer-compression.ts
var layer_compression = __webpack_require__(3591);
;// CONCATENATED MODULE: ./src/cli/image-args.ts


const IMAGE_USAGE = `usage: micro-container image save NAME [--as IMAGE] [-o FILE] [--compression zstd|gzip|none] [--squash] [-d librarydir] [-b basedir]
       micro-container image load FILE [--as IMAGE] [-d librarydir]
       micro-container image ls [--json] [-d librarydir]
       micro-container image inspect IMAGE [-d librarydir]
       micro-container image rm IMAGE [-d librarydir]
       micro-container image export IMAGE --oci DIR|FILE.tar [--tag TAG] [-d librarydir]

IMAGE is NAME[:TAG] (TAG defaults to latest) or a digest (sha256:HEX, or 12+ hex digits).

  save     container NAME's upper layer (what it built) as an image in librarydir, named
           IMAGE (default: NAME). It sits on the container's root, or on the image the
           container was started from (--image): then only the new layer is saved, unless
           --squash merges them into one. -o FILE also writes the image (and the layers it
           sits on) as one file, to hand to upload-artifact or a cache.
  load     an image file into librarydir, every digest checked first (a damaged or
           truncated file loads nothing)
  ls       the named images
  inspect  an image's manifest, digest and chain, as JSON
  rm       an image's name, and its layers when no other image needs them
  export   an OCI image layout (base root, then the layers, config, manifest, index) that
           skopeo, podman and registries take: a directory, or a .tar for podman load

Run an image with: micro-container run --image IMAGE [--rm] [container options] command...`;
const ACTIONS = ['save', 'load', 'ls', 'inspect', 'rm', 'export'];
function parseImageArgs(argv) {
    const [action, ...rest] = argv;
    if (action === undefined || action === '--help' || action === '-h' || action === 'help')
        return { action: 'help' };
    if (!ACTIONS.includes(action))
        throw new errors/* ConfigError */.xL(`unknown image command '${action}' (${ACTIONS.join(', ')}; see micro-container image --help)`);
    const words = [];
    const o = {
        squash: false,
        json: false,
    };
    // Which options each command takes; anything else is refused, not ignored.
    const allowed = {
        save: ['o', 'as', 'compression', 'squash', 'd', 'b'],
        load: ['as', 'd'],
        ls: ['json', 'd'],
        inspect: ['d'],
        rm: ['d'],
        export: ['oci', 'tag', 'd'],
    };
    const longs = { output: 'o', librarydir: 'd', basedir: 'b', as: 'as', compression: 'compression', oci: 'oci', tag: 'tag', squash: 'squash', json: 'json' };
    const flags = new Set(['squash', 'json']);
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === '--help' || a === '-h')
            return { action: 'help' };
        if (a === '--') {
            words.push(...rest.slice(i + 1));
            break;
        }
        let key;
        let inline;
        if (a.startsWith('--')) {
            const eq = a.indexOf('=');
            const long = eq > 0 ? a.slice(2, eq) : a.slice(2);
            key = longs[long];
            if (key === undefined)
                throw new errors/* ConfigError */.xL(`unknown option ${a} for image ${action} (see micro-container image --help)`);
            if (eq > 0)
                inline = a.slice(eq + 1);
        }
        else if (/^-[odb]/.test(a)) {
            key = a[1];
            if (a.length > 2)
                inline = a.slice(2);
        }
        else if (a.startsWith('-') && a !== '-') {
            throw new errors/* ConfigError */.xL(`unknown option ${a} for image ${action} (see micro-container image --help)`);
        }
        else {
            words.push(a);
            continue;
        }
        const shown = key.length === 1 ? `-${key}` : `--${key}`;
        if (!allowed[action].includes(key))
            throw new errors/* ConfigError */.xL(`image ${action} does not take ${shown} (see micro-container image --help)`);
        if (flags.has(key)) {
            if (inline !== undefined)
                throw new errors/* ConfigError */.xL(`option ${shown} takes no value`);
            if (key === 'squash')
                o.squash = true;
            else
                o.json = true;
            continue;
        }
        const value = inline ?? rest[++i];
        if (value === undefined || value === '')
            throw new errors/* ConfigError */.xL(`option ${shown} needs a value`);
        switch (key) {
            case 'o':
                o.output = value;
                break;
            case 'd':
                o.libraryDir = value;
                break;
            case 'b':
                o.baseDir = value;
                break;
            case 'as':
                o.as = value;
                break;
            case 'compression':
                o.compression = (0,layer_compression/* parseLayerCompression */.DL)(value);
                break;
            case 'oci':
                o.oci = value;
                break;
            case 'tag':
                o.tag = value;
                break;
        }
    }
    const want = (n, shape) => {
        if (words.length !== n)
            throw new errors/* ConfigError */.xL(`image ${action} takes ${shape} (see micro-container image --help)`);
    };
    const d = o.libraryDir !== undefined ? { libraryDir: o.libraryDir } : {};
    switch (action) {
        case 'save':
            want(1, 'the NAME of a container');
            return { action, container: words[0], squash: o.squash, ...d, ...pick(o, ['output', 'as', 'compression', 'baseDir']) };
        case 'load':
            want(1, 'a FILE written by image save -o');
            return { action, file: words[0], ...d, ...pick(o, ['as']) };
        case 'ls':
            want(0, 'no arguments but --json and -d');
            return { action, json: o.json, ...d };
        case 'inspect':
        case 'rm':
            want(1, 'one IMAGE (NAME[:TAG] or digest)');
            return { action, image: words[0], ...d };
        default: {
            want(1, 'one IMAGE and --oci DIR|FILE.tar');
            if (o.oci === undefined)
                throw new errors/* ConfigError */.xL('image export needs --oci DIR or --oci FILE.tar: where to write the OCI image layout');
            return { action: 'export', image: words[0], oci: o.oci, ...d, ...pick(o, ['tag']) };
        }
    }
}
function pick(o, keys) {
    const out = {};
    for (const k of keys)
        if (o[k] !== undefined)
            out[k] = o[k];
    return out;
}

;// CONCATENATED MODULE: ./src/cli/image.ts









/**
 * `micro-container image ...`: argv after `image` -> exit status. Errors are thrown (main
 * maps them to 125). ELEVATE runs the same command again through sudo, for a user who is
 * not root (GitHub's runner user).
 */
async function imageCommand(argv, io, elevate) {
    const args = parseImageArgs(argv);
    if (args.action === 'help') {
        io.out(IMAGE_USAGE + '\n');
        return 0;
    }
    // Upper layers and applied layers hold root's files (0600 ones too), owners and trusted.* xattrs.
    if (args.action !== 'ls' && args.action !== 'inspect' && (process.geteuid?.() ?? 0) !== 0) {
        if (elevate)
            return elevate();
        throw new errors/* PrivilegeError */.S7(`image ${args.action} needs root (the layers hold files of every owner): run it as root or with sudo`);
    }
    const libraryDir = external_node_path_default().resolve(args.libraryDir || config/* DEFAULT_LIBRARY_DIR */.s);
    const store = new image_store/* ImageStore */.D(libraryDir);
    const log = (l) => io.err(`${l}\n`);
    switch (args.action) {
        case 'save': {
            const r = await saveContainerImage({ container: args.container, libraryDir, baseDir: args.baseDir, as: args.as, compression: args.compression, squash: args.squash, log });
            const l = r.manifest.layer;
            io.out(`${r.name} ${r.digest}\n`);
            io.err(`saved container ${args.container}: layer ${l.digest} (${l.size} bytes)${r.manifest.parent ? ` on image ${r.manifest.parent}` : ''}, base root ${(0,resolve.describeBase)(r.manifest.base)}\n`);
            if (args.output !== undefined) {
                const f = await writeImageFile(store, r.digest, args.output);
                io.err(`wrote ${f.file} (${f.size} bytes, ${f.chain.length} layer(s))\n`);
            }
            return 0;
        }
        case 'load': {
            const r = await loadImageFile(store, args.file, args.as);
            io.out(`${r.name ?? '(no name: give --as)'} ${r.digest}\n`);
            return 0;
        }
        case 'ls': {
            const images = store.list();
            if (args.json) {
                io.out(JSON.stringify(images.map((i) => ({ name: i.name, digest: i.digest, created: i.manifest.created, size: i.manifest.layer.size, parent: i.manifest.parent ?? null, base: i.manifest.base })), null, 2) + '\n');
                return 0;
            }
            if (images.length === 0) {
                io.out(`no images in ${libraryDir} (make one with: micro-container image save CONTAINER)\n`);
                return 0;
            }
            const rows = images.map((i) => [i.name, i.digest.slice(7, 19), i.manifest.created.slice(0, 19).replace('T', ' '), String(i.manifest.layer.size), i.manifest.parent ? i.manifest.parent.slice(7, 19) : '-', (0,resolve.describeBase)(i.manifest.base)]);
            const head = ['NAME', 'DIGEST', 'CREATED', 'SIZE', 'PARENT', 'BASE'];
            const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
            for (const row of [head, ...rows])
                io.out(row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]) : c)).join('  ') + '\n');
            return 0;
        }
        case 'inspect': {
            const img = store.resolve(args.image);
            const chain = store.chain(img.digest);
            const names = store.list().filter((n) => n.digest === img.digest).map((n) => n.name);
            io.out(JSON.stringify({ digest: img.digest, names, manifest: img.manifest, chain: chain.map((c) => c.digest) }, null, 2) + '\n');
            return 0;
        }
        case 'rm':
            for (const p of await store.remove(args.image))
                io.err(`removed ${p}\n`);
            return 0;
        case 'export': {
            const r = await exportImage(store, args.image, args.oci, { tag: args.tag, log });
            io.out(`${r.dest} ${r.manifest.digest}\n`);
            return 0;
        }
    }
}


/***/ })

};
