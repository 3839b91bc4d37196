export const id = 473;
export const ids = [473];
export const modules = {

/***/ 7082:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ ImageError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);

/**
 * An image layer could not be saved or applied: the upper layer holds something an OCI
 * layer cannot express, a tool failed, the layer file is malformed. The message names the
 * layer, the problem and what to do about it.
 */
class ImageError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .MicroContainerError */ .WG {
    name = 'ImageError';
}


/***/ }),

/***/ 9232:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ parseImageRef),
/* harmony export */   eS: () => (/* binding */ formatImageName),
/* harmony export */   "if": () => (/* binding */ parseImageName)
/* harmony export */ });
/* unused harmony export DEFAULT_TAG */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);

const DEFAULT_TAG = 'latest';
const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** `img`, `img:v2`, `sha256:abc...`, `abcdef012345` -> ImageRef. Pure; ConfigError says what is wrong. */
function parseImageRef(text) {
    const t = text.trim();
    if (t === '')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL('no image given: name one as NAME[:TAG] or by its digest (see image ls)');
    const digest = /^sha256:([0-9a-f]*)$/.exec(t);
    if (digest) {
        const hex = digest[1];
        if (hex.length === 64)
            return { kind: 'digest', hex, prefix: false };
        if (hex.length >= 12)
            return { kind: 'digest', hex, prefix: true };
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`image digest '${t}' is too short: give sha256: and at least 12 hex digits (see image ls)`);
    }
    if (t.startsWith('sha256:'))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`image digest '${t}' is not sha256: and lower-case hex digits (see image ls)`);
    if (/^[0-9a-f]{12,64}$/.test(t) && !t.includes(':'))
        return { kind: 'digest', hex: t, prefix: t.length < 64 };
    const colon = t.indexOf(':');
    const name = colon < 0 ? t : t.slice(0, colon);
    const tag = colon < 0 ? DEFAULT_TAG : t.slice(colon + 1);
    if (!NAME.test(name)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`image name '${name}' is not valid: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (NAME[:TAG])`);
    }
    if (!TAG.test(tag))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`image tag '${tag}' is not valid: use letters, digits, '.', '_' and '-' (NAME[:TAG])`);
    return { kind: 'name', name, tag };
}
/** A name ref as it is stored and shown: `NAME:TAG`. Pure. */
function formatImageName(ref) {
    return `${ref.name}:${ref.tag}`;
}
/** A name for `--as`: digests are not names. Pure; ConfigError otherwise. */
function parseImageName(text) {
    const r = parseImageRef(text);
    if (r.kind !== 'name')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(`'${text}' is a digest, not an image name: give NAME[:TAG]`);
    return { name: r.name, tag: r.tag };
}


/***/ }),

/***/ 3591:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DL: () => (/* binding */ parseLayerCompression),
/* harmony export */   Xf: () => (/* binding */ compressorCommand),
/* harmony export */   sG: () => (/* reexport safe */ _oci_spec_js__WEBPACK_IMPORTED_MODULE_0__.sG)
/* harmony export */ });
/* unused harmony export LAYER_COMPRESSIONS */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);
/* harmony import */ var _oci_spec_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5314);


const LAYER_COMPRESSIONS = ['zstd', 'gzip', 'none'];
/** A user's word for a compression; ConfigError saying the choices otherwise. */
function parseLayerCompression(value) {
    const v = value.trim().toLowerCase();
    if (v === 'zst')
        return 'zstd';
    if (v === 'gz')
        return 'gzip';
    if (v === 'uncompressed')
        return 'none';
    if (LAYER_COMPRESSIONS.includes(v))
        return v;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`unknown layer compression '${value}': use one of ${LAYER_COMPRESSIONS.join(', ')}`);
}
/**
 * The command that compresses stdin to stdout; none for an uncompressed layer. zstd with
 * all cores (-T0) at level 3 (its default, the speed/size point `tar | zstd` users pick);
 * gzip at its default level 6 with -n so that no name or time stamp is stored (the same
 * tar gives the same bytes).
 */
function compressorCommand(c) {
    switch (c) {
        case 'zstd':
            return { file: 'zstd', args: ['-T0', '-3', '-q', '-c'] };
        case 'gzip':
            return { file: 'gzip', args: ['-6', '-n', '-c'] };
        case 'none':
            return undefined;
    }
}


/***/ }),

/***/ 8514:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   An: () => (/* binding */ tarMetaArgs),
/* harmony export */   Gk: () => (/* binding */ excludeMemberName),
/* harmony export */   LO: () => (/* binding */ layerTarExtractArgs),
/* harmony export */   _c: () => (/* binding */ tarExclusion),
/* harmony export */   l2: () => (/* binding */ tarCreateArgs)
/* harmony export */ });
/* unused harmony export EXCLUDE_FILE */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4296);
/* harmony import */ var _rootfs_archive_check_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8924);
/* harmony import */ var _rootfs_tar_args_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6164);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7082);




/**
 * GNU tar command lines for image layers. Pure, so that what a layer keeps and drops is
 * one table test.
 */
/**
 * A guest path to leave out of a saved layer (a volume's mount point) as the member name
 * GNU tar gives it under `-C upper .`: `/work/src/` -> `./work/src`. ConfigError for what
 * cannot be a path in the container: relative, `..`, the root itself.
 */
function excludeMemberName(guestPath) {
    if (!guestPath.startsWith('/'))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigError */ .xL(`volume path '${guestPath}' to leave out of the image is not absolute: give the path inside the container, e.g. /work`);
    const parts = guestPath.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..'))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigError */ .xL(`volume path '${guestPath}' to leave out of the image has a '..' component: give the plain path inside the container`);
    if (parts.length === 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigError */ .xL(`volume path '${guestPath}' is the container's root: an image without its root is empty; mount the volume somewhere below /`);
    if (guestPath.includes('\0'))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigError */ .xL(`volume path '${guestPath}' has a NUL byte`);
    return `./${parts.join('/')}`;
}
/**
 * `tar -c` of an upper layer to stdout, in the pax format that OCI layers use. tar walks
 * the layer itself (`--sort=name`: the same tree gives the same bytes), leaving out what
 * `exclusion` names (the whiteouts, which the save writes as `.wh.` members, and the
 * volumes' mount points) and the sockets it cannot archive anyway:
 * - numeric owners (the names are the guest's, not the host's), modes as they are;
 * - every xattr namespace (security.capability is what makes ping work), ACLs among them
 *   as the kernel keeps them (system.posix_acl_*: podman and Docker restore those, not tar's
 *   own SCHILY.acl.* records, so no --acls), but the overlay's own trusted.overlay.* (the
 *   kernel's bookkeeping about this upper layer's lowers; what they mean for the layer is
 *   read from the metadata dump, see below);
 * - time stamps to the second, no atime/ctime, and pax header names without tar's pid,
 *   as Docker writes layers: without them nearly every member needs a pax header of its
 *   own (about 1 KB each), and the same tree gives the same bytes;
 * - no --sparse: GNU's sparse pax encoding renames members (GNUSparseFile.N/...), which
 *   not every OCI reader undoes, and holes compress to almost nothing anyway.
 */
function tarCreateArgs(upperDir, exclusion) {
    return [
        ...tarHead(upperDir, ['--xattrs-include=*', '--xattrs-exclude=trusted.overlay.*']),
        '--sort=name',
        '--warning=no-file-ignored',
        '--anchored',
        '--no-wildcards',
        ...(exclusion.file.length ? [`--exclude-from=${EXCLUDE_FILE}`] : []),
        ...exclusion.args,
        '.',
    ];
}
/**
 * Where tar reads the names to leave out, one a line: its stdin (the archive goes to
 * stdout). Not /dev/fd/3: Node's extra stdio pipes are sockets, which cannot be opened.
 */
const EXCLUDE_FILE = '-';
/** C's isspace: tar's --exclude-from drops these at the end of a line. */
const TRAILING_SPACE = /[ \t\n\v\f\r]$/;
/**
 * The options that make tar leave out exactly the members NAMES (latin1 strings, one char
 * a byte, as the save reads them): literal (`--no-wildcards`), whole names from the start
 * (`--anchored`), each with everything below it. Most go in the --exclude-from file, which
 * holds any byte and has no length limit; a name with a newline or trailing white space
 * cannot be a line of it, so it becomes an option, which Node passes as UTF-8: such a name
 * that is not UTF-8 cannot be said to tar, and is refused (ImageError).
 */
function tarExclusion(names) {
    const lines = [];
    const args = [];
    for (const name of names) {
        if (!name.includes('\n') && !TRAILING_SPACE.test(name)) {
            lines.push(name);
            continue;
        }
        const bytes = Buffer.from(name, 'latin1');
        const utf8 = bytes.toString('utf8');
        if (!Buffer.from(utf8, 'utf8').equals(bytes)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ImageError */ .C(`cannot save the layer: ${JSON.stringify(utf8)} has a newline or ends in white space and is not UTF-8, so GNU tar cannot be told to leave it out; rename it (or restore it) before saving`);
        }
        args.push(`--exclude=${utf8}`);
    }
    return { file: Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1'), args };
}
/**
 * `tar -c` of the members named on stdin with their headers and the overlay's xattrs
 * only: what the save reads to find whiteouts, opaque directories and what it must refuse
 * (layer-save-rewrite.ts). They are directories and character devices (layer-save-find.ts),
 * so this reads no file data.
 */
function tarMetaArgs(upperDir) {
    return [...tarHead(upperDir, OVERLAY_XATTRS_THAT_MATTER.map((x) => `--xattrs-include=${x}`)), '--no-recursion', '--null', '--files-from=-'];
}
/**
 * The overlay xattrs that change what an upper layer means: an opaque directory, a
 * directory renamed in place, a file whose data is below. The rest (origin, impure, uuid,
 * ...) are bookkeeping that nearly every copied-up directory carries: dumping them made
 * each of those a member to parse.
 */
const OVERLAY_XATTRS_THAT_MATTER = ['trusted.overlay.opaque', 'trusted.overlay.redirect', 'trusted.overlay.metacopy'];
/** `tar -c` to stdout, pax, numeric owners, with XATTRS. */
function tarHead(upperDir, xattrs) {
    return [
        '--create',
        '--file=-',
        `--directory=${upperDir}`,
        '--format=posix',
        '--numeric-owner',
        '--xattrs',
        ...xattrs,
        '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime',
    ];
}
/**
 * `tar -x` for a layer that becomes an overlay lower layer: as for a root (tar-args.ts)
 * but with the overlay's xattrs let through, since the opaque markers are set that way.
 * Only what applyLayer itself wrote can carry them: it strips every trusted.overlay.*
 * record that the layer brought before tar sees it (layer-apply-rewrite.ts).
 * And no --acls: with it GNU tar sets ACLs from its own SCHILY.acl.* records only and
 * skips the system.posix_acl_* xattrs, which are what layers carry (ours, podman's; GNU
 * tar writes both when it writes xattrs).
 */
function layerTarExtractArgs(dir) {
    const dropped = new Set([..._rootfs_archive_check_js__WEBPACK_IMPORTED_MODULE_0__/* .DROPPED_XATTR_PREFIXES */ .Qu.map((p) => `--xattrs-exclude=${p}*`), '--acls']);
    return (0,_rootfs_tar_args_js__WEBPACK_IMPORTED_MODULE_1__/* .tarExtractArgs */ .C)({ dir, isRoot: true }).filter((a) => !dropped.has(a));
}


/***/ }),

/***/ 3512:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $l: () => (/* binding */ buildImageManifest),
/* harmony export */   j7: () => (/* binding */ encodeImageManifest),
/* harmony export */   n3: () => (/* binding */ layerKey),
/* harmony export */   pg: () => (/* binding */ decodeImageManifest)
/* harmony export */ });
/* unused harmony exports IMAGE_MEDIA_TYPE, validateImageManifest, canonicalManifestJson */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7082);


/**
 * The image manifest: one layer (an OCI layer blob), the root it sits on, the image below
 * it when it is part of a chain, and the container settings worth keeping. Stored as
 * canonical JSON; its sha256 is the image's digest. Pure.
 */
const IMAGE_MEDIA_TYPE = 'application/vnd.micro-container.image.v1+json';
/**
 * The name of a layer's applied directory in the store (store/layers/KEY): its diff_id's
 * hex when the manifest has one (images loaded or made by older versions), else its blob
 * digest's. Pure.
 */
function layerKey(layer) {
    return (layer.diffId ?? layer.digest).replace(/^sha256:/, '');
}
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const ROOT_ID = /^([0-9a-f]{64}|dir-[0-9a-f]{8,64})$/;
/** Builds and checks a manifest. Pure but for the default creation time. */
function buildImageManifest(input) {
    const m = {
        schemaVersion: 1,
        mediaType: IMAGE_MEDIA_TYPE,
        layer: { digest: input.layer.digest, ...(input.layer.diffId ? { diffId: input.layer.diffId } : {}), mediaType: input.layer.mediaType, size: input.layer.size },
        base: dropUndefined({ id: input.base.id, path: input.base.path, source: input.base.source, name: input.base.name }),
        ...(input.parent !== undefined ? { parent: input.parent } : {}),
        created: input.created ?? new Date().toISOString(),
        ...(input.from !== undefined ? { from: input.from } : {}),
        ...(input.squashed ? { squashed: true } : {}),
        settings: cleanSettings(input.settings ?? {}),
    };
    return validateImageManifest(m, 'the new image manifest');
}
function dropUndefined(o) {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
function cleanSettings(s) {
    const out = {};
    if (s.env && Object.keys(s.env).length)
        out.env = { ...s.env };
    if (s.workdir)
        out.workdir = s.workdir;
    if (s.user)
        out.user = s.user;
    if (s.startup && s.startup.length)
        out.startup = [...s.startup];
    return out;
}
function fail(where, what) {
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ImageError */ .C(`${where} is not a valid micro-container image manifest: ${what}`);
}
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Checks parsed JSON as a manifest; ImageError naming WHERE and the field otherwise. Pure. */
function validateImageManifest(v, where) {
    if (!isObject(v))
        fail(where, 'not a JSON object');
    if (v.schemaVersion !== 1)
        fail(where, `schemaVersion is ${JSON.stringify(v.schemaVersion)}, not 1 (made by a newer micro-container?)`);
    if (v.mediaType !== IMAGE_MEDIA_TYPE)
        fail(where, `mediaType is ${JSON.stringify(v.mediaType)}, not ${IMAGE_MEDIA_TYPE}`);
    const l = v.layer;
    if (!isObject(l))
        fail(where, 'layer is missing');
    if (typeof l.digest !== 'string' || !DIGEST.test(l.digest))
        fail(where, 'layer.digest is not sha256:<64 hex>');
    if (l.diffId !== undefined && (typeof l.diffId !== 'string' || !DIGEST.test(l.diffId)))
        fail(where, 'layer.diffId is not sha256:<64 hex>');
    if (typeof l.mediaType !== 'string' || !/^application\/vnd\.oci\.image\.layer\.v1\.tar(\+gzip|\+zstd)?$/.test(l.mediaType))
        fail(where, 'layer.mediaType is not an OCI layer media type');
    if (typeof l.size !== 'number' || !Number.isSafeInteger(l.size) || l.size < 0)
        fail(where, 'layer.size is not a byte count');
    const b = v.base;
    if (!isObject(b))
        fail(where, 'base is missing');
    if (b.id === undefined && b.path === undefined)
        fail(where, 'base has neither an id nor a path');
    if (b.id !== undefined && (typeof b.id !== 'string' || !ROOT_ID.test(b.id)))
        fail(where, 'base.id is not a root id (64 hex digits, or dir-...)');
    if (b.path !== undefined && (typeof b.path !== 'string' || !b.path.startsWith('/')))
        fail(where, 'base.path is not an absolute path');
    for (const k of ['source', 'name'])
        if (b[k] !== undefined && typeof b[k] !== 'string')
            fail(where, `base.${k} is not a string`);
    if (v.parent !== undefined && (typeof v.parent !== 'string' || !DIGEST.test(v.parent)))
        fail(where, 'parent is not sha256:<64 hex>');
    if (typeof v.created !== 'string' || Number.isNaN(Date.parse(v.created)))
        fail(where, 'created is not a date');
    if (v.from !== undefined && typeof v.from !== 'string')
        fail(where, 'from is not a string');
    if (v.squashed !== undefined && typeof v.squashed !== 'boolean')
        fail(where, 'squashed is not true or false');
    const s = v.settings;
    if (!isObject(s))
        fail(where, 'settings is missing');
    if (s.env !== undefined && (!isObject(s.env) || Object.entries(s.env).some(([k, x]) => typeof x !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)))) {
        fail(where, 'settings.env is not a map of NAME to string');
    }
    if (s.workdir !== undefined && (typeof s.workdir !== 'string' || !s.workdir.startsWith('/')))
        fail(where, 'settings.workdir is not an absolute path');
    if (s.user !== undefined && typeof s.user !== 'string')
        fail(where, 'settings.user is not a string');
    if (s.startup !== undefined && (!Array.isArray(s.startup) || s.startup.some((x) => typeof x !== 'string')))
        fail(where, 'settings.startup is not a list of strings');
    return v;
}
/** JSON with keys sorted at every level: one manifest, one digest. Pure. */
function canonicalManifestJson(m) {
    const sort = (x) => Array.isArray(x) ? x.map(sort) : isObject(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x;
    return `${JSON.stringify(sort(m))}\n`;
}
/** The manifest's bytes and its digest (`sha256:HEX`), the image's identity. Pure. */
function encodeImageManifest(m) {
    const bytes = Buffer.from(canonicalManifestJson(m));
    return { bytes, digest: `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(bytes).digest('hex')}` };
}
/** Parses manifest bytes; ImageError when they are not JSON or not a manifest. Pure. */
function decodeImageManifest(bytes, where) {
    let v;
    try {
        v = JSON.parse(bytes.toString());
    }
    catch (err) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ImageError */ .C(`${where} is not JSON (${err.message}); the image is damaged: save or load it again`);
    }
    return validateImageManifest(v, where);
}


/***/ }),

/***/ 5314:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ap: () => (/* binding */ MEDIA_TYPE),
/* harmony export */   Dr: () => (/* binding */ ociPlatform),
/* harmony export */   H2: () => (/* binding */ checkDigest),
/* harmony export */   Xh: () => (/* binding */ buildIndex),
/* harmony export */   dj: () => (/* binding */ canonicalJson),
/* harmony export */   hh: () => (/* binding */ checkRefName),
/* harmony export */   nD: () => (/* binding */ blobPath),
/* harmony export */   q2: () => (/* binding */ jsonBlob),
/* harmony export */   sG: () => (/* binding */ layerMediaType),
/* harmony export */   u1: () => (/* binding */ buildManifest),
/* harmony export */   uT: () => (/* binding */ buildImageConfig),
/* harmony export */   vv: () => (/* binding */ layerCompressionOf),
/* harmony export */   xm: () => (/* binding */ OCI_LAYOUT)
/* harmony export */ });
/* unused harmony exports REF_NAME_ANNOTATION, sha256Digest */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);


/**
 * The OCI image layout, as pure functions: config, manifest, index and `oci-layout`
 * documents built from plain values, their bytes and their digests. Nothing here touches
 * the disk, so every rule (media types, names, digests) is checked by table tests.
 * Spec: github.com/opencontainers/image-spec (image-layout.md, manifest.md, config.md).
 */
const MEDIA_TYPE = {
    config: 'application/vnd.oci.image.config.v1+json',
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    layerTar: 'application/vnd.oci.image.layer.v1.tar',
    layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
};
/** The annotation that names a manifest in index.json: `oci:DIR:NAME` finds it by this. */
const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
/** The whole content of the `oci-layout` file. */
const OCI_LAYOUT = { imageLayoutVersion: '1.0.0' };
function layerMediaType(compression) {
    switch (compression) {
        case 'none':
            return MEDIA_TYPE.layerTar;
        case 'gzip':
            return MEDIA_TYPE.layerGzip;
        case 'zstd':
            return MEDIA_TYPE.layerZstd;
    }
}
/** The compression a layer media type says, or a ConfigError for anything not a layer type we write. */
function layerCompressionOf(mediaType) {
    switch (mediaType) {
        case MEDIA_TYPE.layerTar:
            return 'none';
        case MEDIA_TYPE.layerGzip:
            return 'gzip';
        case MEDIA_TYPE.layerZstd:
            return 'zstd';
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`"${mediaType}" is not an OCI layer media type this export writes; use ${MEDIA_TYPE.layerTar}, ${MEDIA_TYPE.layerGzip} or ${MEDIA_TYPE.layerZstd} (or give the layer's compression instead)`);
}
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** Throws a ConfigError unless `digest` is `sha256:` and 64 lower-case hex digits. */
function checkDigest(digest, what) {
    if (!DIGEST.test(digest)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`${what} "${digest}" is not a sha256 digest; write it as "sha256:" followed by 64 lower-case hex digits, or leave it out to have it computed`);
    }
    return digest;
}
// image-spec annotations.md, org.opencontainers.image.ref.name:
//   ref := component ("/" component)*; component := alphanum (separator alphanum)*;
//   alphanum := [A-Za-z0-9]+; separator := [-._:@+] | "--"
// (containers/image checks `oci:DIR:NAME` names with the same grammar).
const REF_NAME = /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;
/** Throws a ConfigError unless `tag` is a valid OCI ref.name (e.g. `latest`, `app:1.0`, `org/app:v2`). */
function checkRefName(tag) {
    if (!REF_NAME.test(tag)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`image tag "${tag}" is not a valid OCI reference name; use letters and digits separated by one of - . _ : @ + (or "--"), with "/" between components, e.g. "latest" or "myapp:1.0"`);
    }
    return tag;
}
/** Node's process.arch (and, for ppc64, the byte order) -> OCI/Go architecture and variant. */
function ociPlatform(nodeArch, endianness = 'LE', armVersion) {
    switch (nodeArch) {
        case 'x64':
            return { architecture: 'amd64' };
        case 'arm64':
            return { architecture: 'arm64', variant: 'v8' };
        case 'arm':
            return armVersion ? { architecture: 'arm', variant: `v${armVersion}` } : { architecture: 'arm' };
        case 'ia32':
            return { architecture: '386' };
        case 'ppc64':
            return { architecture: endianness === 'LE' ? 'ppc64le' : 'ppc64' };
        case 's390x':
        case 'riscv64':
        case 'loong64':
        case 'mips64':
            return { architecture: nodeArch };
        case 'mips':
            return { architecture: endianness === 'LE' ? 'mipsle' : 'mips' };
        case 'mipsel':
            return { architecture: 'mipsle' };
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`no OCI architecture is known for Node's process.arch "${nodeArch}"; give the image's architecture explicitly`);
}
function envList(env) {
    if (env === undefined)
        return undefined;
    const list = Array.isArray(env)
        ? [...env]
        : Object.keys(env)
            .sort()
            .map((k) => `${k}=${env[k]}`);
    for (const e of list) {
        const eq = e.indexOf('=');
        if (eq <= 0)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`environment entry "${e}" has no NAME=; write each one as NAME=value`);
    }
    return list;
}
/** The OCI image config document (application/vnd.oci.image.config.v1+json). Pure. */
function buildImageConfig(input) {
    input.diffIds.forEach((d, i) => checkDigest(d, `layer ${i + 1}'s diff ID`));
    if (input.history && input.history.length !== input.diffIds.length) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`history has ${input.history.length} entries for ${input.diffIds.length} layers; give one per layer or none`);
    }
    const { run } = input;
    if (run.workdir !== undefined && !run.workdir.startsWith('/')) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`working directory "${run.workdir}" is not absolute; write it as a path from the image's root, e.g. /build`);
    }
    const config = {};
    const env = envList(run.env);
    if (env)
        config.Env = env;
    if (run.entrypoint)
        config.Entrypoint = [...run.entrypoint];
    if (run.cmd)
        config.Cmd = [...run.cmd];
    if (run.workdir !== undefined)
        config.WorkingDir = run.workdir;
    if (run.user !== undefined && run.user !== '')
        config.User = run.user;
    if (run.labels)
        config.Labels = { ...run.labels };
    const doc = {};
    if (input.created !== undefined)
        doc.created = input.created;
    doc.architecture = input.platform.architecture;
    if (input.platform.variant)
        doc.variant = input.platform.variant;
    doc.os = 'linux';
    doc.config = config;
    doc.rootfs = { type: 'layers', diff_ids: [...input.diffIds] };
    if (input.history) {
        doc.history = input.history.map((h) => (input.created !== undefined ? { created: input.created, created_by: h } : { created_by: h }));
    }
    return doc;
}
function checkDescriptor(d, what) {
    checkDigest(d.digest, `${what} digest`);
    if (!Number.isSafeInteger(d.size) || d.size < 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`${what} size ${d.size} is not a byte count; give a whole number of bytes`);
    return d;
}
/** The image manifest (application/vnd.oci.image.manifest.v1+json). Pure. */
function buildManifest(config, layers) {
    checkDescriptor(config, 'config');
    layers.forEach((l, i) => {
        checkDescriptor(l, `layer ${i + 1}`);
        layerCompressionOf(l.mediaType);
    });
    return {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.manifest,
        config: { mediaType: MEDIA_TYPE.config, digest: config.digest, size: config.size },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    };
}
/** index.json: the one manifest, named by `tag` when given. Pure. */
function buildIndex(manifest, tag) {
    checkDescriptor(manifest, 'manifest');
    const entry = { mediaType: MEDIA_TYPE.manifest, digest: manifest.digest, size: manifest.size };
    if (tag !== undefined)
        entry.annotations = { [REF_NAME_ANNOTATION]: checkRefName(tag) };
    return { schemaVersion: 2, mediaType: MEDIA_TYPE.index, manifests: [entry] };
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value !== null && typeof value === 'object') {
        const out = {};
        for (const k of Object.keys(value).sort()) {
            const v = value[k];
            if (v !== undefined)
                out[k] = sortKeys(v);
        }
        return out;
    }
    return value;
}
/**
 * Canonical bytes of a JSON document: keys sorted, no whitespace. The digest names these
 * exact bytes, so the same inputs always give the same image digest.
 */
function canonicalJson(doc) {
    return Buffer.from(JSON.stringify(sortKeys(doc)), 'utf8');
}
/** `sha256:` + hex of the bytes. */
function sha256Digest(bytes) {
    return `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(bytes).digest('hex')}`;
}
/** A document's bytes and the descriptor that names them. */
function jsonBlob(doc, mediaType) {
    const bytes = canonicalJson(doc);
    return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length } };
}
/** Where a blob lives inside the layout: blobs/sha256/HEX. */
function blobPath(digest) {
    checkDigest(digest, 'blob');
    return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}


/***/ }),

/***/ 7473:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   baseOfLowerDirs: () => (/* binding */ baseOfLowerDirs),
/* harmony export */   describeBase: () => (/* binding */ describeBase),
/* harmony export */   ensureBase: () => (/* binding */ ensureBase),
/* harmony export */   resolveImageConfig: () => (/* binding */ resolveImageConfig),
/* harmony export */   settingsOf: () => (/* binding */ settingsOf)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(4296);
/* harmony import */ var _jail_config_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(6412);
/* harmony import */ var _rootfs_add_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1196);
/* harmony import */ var _rootfs_store_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2006);
/* harmony import */ var _manifest_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3512);
/* harmony import */ var _store_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4309);








/**
 * `container --image IMAGE`: the config with lowerDirs = the image chain's applied layers,
 * newest first, then the base root; the image's settings (env, workdir, user) under the
 * ones given on the command line. The container keeps its own upper layer (its name's),
 * so the image itself is never written to. Applies layers and may fetch the base: root.
 */
async function resolveImageConfig(config, imageRef, opts = {}) {
    const cwd = opts.cwd ?? process.cwd();
    const libraryDir = node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(cwd, config.libraryDir || _jail_config_js__WEBPACK_IMPORTED_MODULE_6__/* .DEFAULT_LIBRARY_DIR */ .s);
    const store = new _store_js__WEBPACK_IMPORTED_MODULE_5__/* .ImageStore */ .D(libraryDir);
    const image = store.resolve(imageRef);
    const chain = store.chain(image.digest);
    const base = image.manifest.base;
    for (const c of chain) {
        if (!sameBase(c.manifest.base, base))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`image ${image.digest} sits on image ${c.digest}, which has another base root; the chain is inconsistent: save it again with --squash`);
    }
    const baseDir = await ensureBase(libraryDir, base, opts.log);
    if (config.lowerDirs && config.lowerDirs.length > 0) {
        const given = config.lowerDirs.map((d) => realOrSelf(node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(cwd, d)));
        if (given.length !== 1 || given[0] !== realOrSelf(baseDir)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`image ${imageRef} sits on the root ${describeBase(base)} (${baseDir}), and -l gives a different base (${config.lowerDirs.join(':')}): leave -l out with --image`);
        }
    }
    const layers = [];
    for (const c of chain)
        layers.push(await store.ensureLayerDir(c.manifest.layer, opts.log));
    const s = settingsOf(chain);
    const env = { ...(s.env ?? {}), ...(config.env ?? {}) };
    const out = { ...config, lowerDirs: [...layers, baseDir] };
    if (Object.keys(env).length)
        out.env = env;
    if (out.workdir === undefined && s.workdir)
        out.workdir = s.workdir;
    if (out.user === undefined && s.user)
        out.user = s.user;
    return { config: out, image, chain, baseDir };
}
/** The settings of a chain: each image's over the ones below it. */
function settingsOf(chainNewestFirst) {
    const out = {};
    for (const c of [...chainNewestFirst].reverse()) {
        const s = c.manifest.settings;
        if (s.env)
            out.env = { ...(out.env ?? {}), ...s.env };
        if (s.workdir)
            out.workdir = s.workdir;
        if (s.user)
            out.user = s.user;
        if (s.startup)
            out.startup = [...(out.startup ?? []), ...s.startup];
    }
    return out;
}
function sameBase(a, b) {
    return a.id === b.id && (a.id !== undefined || a.path === b.path);
}
function describeBase(b) {
    const what = b.id ?? b.path ?? '?';
    return b.name ? `${b.name} (${what})` : what;
}
function realOrSelf(p) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(p);
    }
    catch {
        return p;
    }
}
/**
 * The base root's directory: in the store already; or fetched again from where it came
 * from (a URL or an archive file) and checked to be the same archive by its sha256; a
 * plain directory must still be there. Anything else is a clear error.
 */
async function ensureBase(libraryDir, base, log) {
    const roots = new _rootfs_store_js__WEBPACK_IMPORTED_MODULE_3__/* .RootStore */ .yd(libraryDir);
    if (base.id !== undefined) {
        if (roots.hasRoot(base.id))
            return roots.rootDir(base.id);
        const source = base.source;
        if (!(0,_rootfs_store_js__WEBPACK_IMPORTED_MODULE_3__/* .validDigest */ .z7)(base.id) || source === undefined) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and it was copied from a directory${source ? ` (${source})` : ''}, so it cannot be fetched again: add that root with rootfs add, or save the image with its root on this machine`);
        }
        let kind;
        try {
            kind = (0,_rootfs_add_js__WEBPACK_IMPORTED_MODULE_2__/* .classifySource */ .o)(source);
        }
        catch {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and its source ${source} is gone: rootfs add the same archive (sha256 ${base.id})`);
        }
        if (kind === 'directory')
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`the image's base root ${describeBase(base)} is not in ${libraryDir}, and its source ${source} is now a directory: rootfs add the archive with sha256 ${base.id}`);
        const name = base.name && !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(roots.namePath(base.name)) ? base.name : `base-${base.id.slice(0, 12)}`;
        log?.(`fetching the image's base root from ${source}`);
        try {
            await (0,_rootfs_add_js__WEBPACK_IMPORTED_MODULE_2__/* .addRoot */ ._)(roots, name, source, { sha256: base.id, log });
        }
        catch (err) {
            if (/sha256 mismatch/.test(err.message)) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`the image sits on the root with sha256 ${base.id}, but ${source} now gives a different one; a different base cannot carry this image: find the original archive and rootfs add it`);
            }
            throw err;
        }
        return roots.rootDir(base.id);
    }
    const dir = base.path;
    let ok = false;
    try {
        ok = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(dir).isDirectory();
    }
    catch {
        ok = false;
    }
    if (!ok)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`the image sits on the directory ${dir}, which is not on this host: save images over a root in the store (rootfs add) to use them elsewhere`);
    return dir;
}
/**
 * What a container's lower dirs say its image sits on: one store root or plain directory,
 * or the applied layers of a stored image over its base. Used by `image save`.
 */
function baseOfLowerDirs(libraryDir, lowerDirs) {
    if (lowerDirs.length === 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL('the container has no lower directory on record; run it again with this micro-container');
    const store = new _store_js__WEBPACK_IMPORTED_MODULE_5__/* .ImageStore */ .D(libraryDir);
    const roots = new _rootfs_store_js__WEBPACK_IMPORTED_MODULE_3__/* .RootStore */ .yd(libraryDir);
    const baseDir = realOrSelf(lowerDirs[lowerDirs.length - 1]);
    let base;
    if (node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(baseDir) === realOrSelf(roots.rootsDir)) {
        const id = node_path__WEBPACK_IMPORTED_MODULE_1___default().basename(baseDir);
        let source;
        try {
            source = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`${roots.rootDir(id)}.json`, 'utf8')).source;
        }
        catch {
            source = undefined;
        }
        const name = roots.list().find((r) => realOrSelf(r.path) === baseDir)?.name;
        base = { id, ...(source ? { source } : {}), ...(name ? { name } : {}) };
    }
    else {
        base = { path: baseDir };
    }
    const layers = lowerDirs.slice(0, -1).map((d) => realOrSelf(d));
    if (layers.length === 0)
        return { base };
    const layersDir = realOrSelf(store.layersDir);
    if (!layers.every((d) => node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(d) === layersDir)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`the container stacks several lower directories (${lowerDirs.join(':')}) that are not the layers of an image: image save needs a container over one root, or one started with --image`);
    }
    const want = layers.map((d) => node_path__WEBPACK_IMPORTED_MODULE_1___default().basename(d)).join(',');
    for (const digest of store.manifestDigests()) {
        let chain;
        try {
            chain = store.chain(digest);
        }
        catch {
            continue;
        }
        if (chain.map((c) => (0,_manifest_js__WEBPACK_IMPORTED_MODULE_4__/* .layerKey */ .n3)(c.manifest.layer)).join(',') === want && sameBase(chain[0].manifest.base, base)) {
            return { base: chain[0].manifest.base, parent: chain[0] };
        }
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .ConfigError */ .xL(`the image the container was started from is no longer in ${libraryDir} (it was removed?): load it again, or run the container over a root`);
}


/***/ }),

/***/ 4309:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  D: () => (/* binding */ ImageStore),
  Z: () => (/* binding */ hexOf)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/jail/state.ts
var state = __webpack_require__(2233);
// EXTERNAL MODULE: ./src/core/rootfs/lock.ts
var lock = __webpack_require__(6544);
// EXTERNAL MODULE: ./src/core/image/errors.ts
var image_errors = __webpack_require__(7082);
// EXTERNAL MODULE: ./src/core/image/image-ref.ts
var image_ref = __webpack_require__(9232);
// EXTERNAL MODULE: ./src/core/exec.ts
var exec = __webpack_require__(2642);
// EXTERNAL MODULE: ./src/core/rootfs/archive-check.ts
var archive_check = __webpack_require__(8924);
// EXTERNAL MODULE: ./src/core/rootfs/compression.ts
var rootfs_compression = __webpack_require__(1977);
// EXTERNAL MODULE: ./src/core/rootfs/gate.ts + 1 modules
var gate = __webpack_require__(1957);
// EXTERNAL MODULE: ./src/core/rootfs/pipeline.ts
var pipeline = __webpack_require__(4265);
// EXTERNAL MODULE: ./src/core/rootfs/tar-header.ts
var tar_header = __webpack_require__(5180);
;// CONCATENATED MODULE: ./src/core/image/layer-tar-member.ts


/** The records of a pax header's data, in order, each as it was written. */
function splitPaxRecords(data) {
    const out = [];
    let pos = 0;
    while (pos < data.length && data[pos] !== 0) {
        const space = data.indexOf(0x20, pos);
        const len = space === -1 ? NaN : Number(data.toString('latin1', pos, space));
        if (!Number.isInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
            throw new image_errors/* ImageError */.C('malformed pax extended header record in a layer');
        }
        const eq = data.indexOf(0x3d, space + 1);
        if (eq === -1 || eq >= pos + len - 1)
            throw new image_errors/* ImageError */.C('malformed pax extended header record in a layer (no "=")');
        out.push({ key: data.toString('utf8', space + 1, eq), bytes: data.subarray(pos, pos + len) });
        pos += len;
    }
    return out;
}
/** The value of a record, as bytes. */
function paxValue(r) {
    const eq = r.bytes.indexOf(0x3d);
    return r.bytes.subarray(eq + 1, r.bytes.length - 1);
}
/** A record `LEN key=value\n`, LEN counting itself. */
function paxRecord(key, value) {
    const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len)
        len = String(len).length + body.length;
    return { key, bytes: Buffer.concat([Buffer.from(String(len)), body]) };
}
const padTo = (n) => (tar_header/* BLOCK */.IE - (n % tar_header/* BLOCK */.IE)) % tar_header/* BLOCK */.IE;
function octal(block, off, len, value) {
    if (value >= 8 ** (len - 1))
        throw new image_errors/* ImageError */.C(`value ${value} does not fit a tar header field`);
    block.fill(0, off, off + len);
    block.write(value.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
}
/** Sets the checksum field from the block's bytes (unsigned sum, fields as spaces). */
function setChecksum(block) {
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < tar_header/* BLOCK */.IE; i++)
        sum += block[i];
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
    return block;
}
const isPosix = (h) => h.toString('latin1', 257, 263) === 'ustar\0';
/** Whether a name fits the header's name field (else it needs a pax `path` record). */
const fitsNameField = (name) => Buffer.byteLength(name) <= 100;
/**
 * A copy of a header block with some fields changed and a fresh checksum. A new name
 * clears a POSIX header's prefix field (names are not split: a longer one is the caller's
 * to put in a pax record, and then the field holds its first 100 bytes, as GNU tar does).
 * GNU-format headers keep their magic: their "prefix" bytes are other fields.
 */
function rewriteHeader(header, ch) {
    if (header.length !== tar_header/* BLOCK */.IE)
        throw new image_errors/* ImageError */.C('a tar header block is 512 bytes');
    const h = Buffer.from(header);
    if (ch.name !== undefined) {
        h.fill(0, 0, 100);
        const name = Buffer.from(ch.name);
        name.copy(h, 0, 0, Math.min(100, name.length));
        if (isPosix(h))
            h.fill(0, 345, 500);
    }
    if (ch.typeflag !== undefined)
        h.write(ch.typeflag, 156, 1, 'latin1');
    if (ch.mode !== undefined)
        octal(h, 100, 8, ch.mode & 0o7777);
    if (ch.size !== undefined)
        octal(h, 124, 12, ch.size);
    if (ch.linkname !== undefined) {
        h.fill(0, 157, 257);
        const l = Buffer.from(ch.linkname);
        l.copy(h, 157, 0, Math.min(100, l.length));
    }
    if (ch.devmajor !== undefined)
        octal(h, 329, 8, ch.devmajor);
    if (ch.devminor !== undefined)
        octal(h, 337, 8, ch.devminor);
    return setChecksum(h);
}
/**
 * A pax extended header ('x') holding `records`, for the member named `memberName` whose
 * header is `memberHeader`: `template` (the member's own pax header block, when it had
 * one) keeps its name and fields; otherwise the block is made as GNU tar makes it
 * (`DIR/PaxHeaders/BASE`, the member's mtime). Returns the header block, the records and
 * the padding.
 */
function paxHeaderBlocks(records, memberName, memberHeader, template) {
    const data = Buffer.concat(records.map((r) => r.bytes));
    let block;
    if (template) {
        block = rewriteHeader(template, { size: data.length });
    }
    else {
        block = Buffer.alloc(tar_header/* BLOCK */.IE);
        // As latin1, one char a byte, so that the bytes of a Buffer name come back as they were.
        const trimmed = (typeof memberName === 'string' ? Buffer.from(memberName) : memberName).toString('latin1').replace(/\/+$/, '');
        const slash = trimmed.lastIndexOf('/');
        const name = Buffer.from(slash === -1 ? `PaxHeaders/${trimmed}` : `${trimmed.slice(0, slash)}/PaxHeaders/${trimmed.slice(slash + 1)}`, 'latin1');
        name.copy(block, 0, 0, Math.min(100, name.length));
        octal(block, 100, 8, 0o644);
        octal(block, 108, 8, 0);
        octal(block, 116, 8, 0);
        octal(block, 124, 12, data.length);
        memberHeader.copy(block, 136, 136, 148); // mtime
        block.write('x', 156, 1, 'latin1');
        block.write('ustar\u000000', 257, 8, 'latin1');
        setChecksum(block);
    }
    const pad = padTo(data.length);
    return pad ? [block, data, Buffer.alloc(pad)] : [block, data];
}
/** A GNU long-name ('L') or long-link ('K') member for `value`. */
function longNameBlocks(kind, value) {
    const data = Buffer.from(`${value}\0`);
    const block = Buffer.alloc(tar_header/* BLOCK */.IE);
    block.write('././@LongLink', 0, 100, 'latin1');
    octal(block, 100, 8, 0o644);
    octal(block, 108, 8, 0);
    octal(block, 116, 8, 0);
    octal(block, 124, 12, data.length);
    octal(block, 136, 12, 0);
    block.write(kind, 156, 1, 'latin1');
    block.write('ustar  \0', 257, 8, 'latin1');
    setChecksum(block);
    const pad = padTo(data.length);
    return pad ? [block, data, Buffer.alloc(pad)] : [block, data];
}
/** What every empty file member has: mode 0600, size 0, a regular file, POSIX ustar, no device. */
const EMPTY_FILE = (() => {
    const h = Buffer.alloc(tar_header/* BLOCK */.IE);
    h.write('0000600', 100, 7, 'latin1');
    h.write('00000000000', 124, 11, 'latin1');
    h[156] = 0x30; // '0'
    h.write('ustar\u000000', 257, 8, 'latin1');
    h.write('0000000', 329, 7, 'latin1');
    h.write('0000000', 337, 7, 'latin1');
    return h;
})();
/**
 * A regular empty file member, for the whiteout markers a layer adds (`.wh..wh..opq`):
 * POSIX ustar, owner and mtime taken from `like` (the member it belongs to), a pax
 * `path` when the name is long.
 */
function emptyFileMember(name, mode, like) {
    // A copy of a template and a few fields, not rewriteHeader: a save makes one of these for
    // every whiteout, thousands after a package removal, before tar can start.
    const h = Buffer.from(EMPTY_FILE);
    const bytes = typeof name === 'string' ? Buffer.from(name) : name;
    bytes.copy(h, 0, 0, Math.min(100, bytes.length));
    if (mode !== 0o600)
        octal(h, 100, 8, mode & 0o7777);
    like.copy(h, 108, 108, 124); // uid, gid (octal or base-256, as tar wrote them)
    like.copy(h, 136, 136, 148); // mtime
    like.copy(h, 265, 265, 329); // uname, gname
    setChecksum(h);
    if (bytes.length <= 100)
        return [h];
    return [...paxHeaderBlocks([paxRecord('path', bytes)], bytes, h), h];
}
/**
 * A member's name as its bytes, in a latin1 string (one char a byte): GNU tar writes a
 * name that is not UTF-8 as it is, and `entry.path` (decoded as UTF-8) would not give
 * those bytes back. From its pax `path` record, else its header's prefix and name fields.
 */
function memberPathBytes(m) {
    const rec = m.pax.find((r) => r.key === 'path');
    if (rec)
        return paxValue(rec).toString('latin1');
    if (m.hasLongName)
        return Buffer.from(m.entry.path).toString('latin1');
    return (0,tar_header/* headerName */.Bv)(m.header, 'latin1');
}

;// CONCATENATED MODULE: ./src/core/image/layer-member-edit.ts

/**
 * The header bytes of `m` with `edit` applied: its pax records minus the dropped ones
 * plus the added ones (no pax header when none are left), a new name in the header field
 * or, when longer than 100 bytes, in a pax `path` record (a GNU long-name member that
 * named it before is left out); a long link name is kept unless the link name changes.
 */
function editMember(m, edit) {
    const renamed = edit.path !== undefined;
    const relinked = edit.linkname !== undefined;
    const resized = edit.size !== undefined;
    const records = m.pax.filter((r) => {
        if (renamed && (r.key === 'path' || r.key === 'GNU.sparse.name'))
            return false;
        if (relinked && r.key === 'linkpath')
            return false;
        if (resized && (r.key === 'size' || r.key.startsWith('GNU.sparse.')))
            return false;
        if ((edit.devmajor !== undefined || edit.devminor !== undefined) && (r.key === 'SCHILY.devmajor' || r.key === 'SCHILY.devminor'))
            return false;
        return !edit.drop?.(r.key);
    });
    const name = edit.path ?? undefined;
    if (name !== undefined && !fitsNameField(name))
        records.push(paxRecord('path', name));
    if (relinked && !fitsNameField(edit.linkname))
        records.push(paxRecord('linkpath', edit.linkname));
    for (const [k, v] of edit.add ?? [])
        records.push(paxRecord(k, v));
    const { path: _path, drop: _drop, add: _add, ...fields } = edit;
    const header = rewriteHeader(m.header, { ...fields, ...(name !== undefined ? { name } : {}) });
    const out = [];
    if (records.length)
        out.push(...paxHeaderBlocks(records, edit.path ?? m.entry.path, header, m.paxBlock));
    if (m.hasLongName && !renamed)
        out.push(...longNameBlocks('L', m.entry.path));
    if (m.hasLongLink && !relinked)
        out.push(...longNameBlocks('K', m.entry.linkTarget));
    out.push(header);
    return out;
}

;// CONCATENATED MODULE: ./src/core/image/whiteout.ts
/**
 * OCI layer whiteouts, as names (image-spec, layer.md): a deleted NAME is an empty file
 * `.wh.NAME` beside where it was; a directory whose lower contents are hidden ("opaque")
 * holds an empty `.wh..wh..opq`. Pure functions over archive member names, which keep
 * their `./` prefix and a directory's trailing slash as GNU tar writes them.
 */
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
/** `.wh..wh.*` names other than the opaque marker are AUFS bookkeeping (`.wh..wh.plnk`, ...). */
const META_PREFIX = '.wh..wh.';
/** A member name split into its directory part (with its trailing slash, or '') and last component. */
function splitMemberName(name) {
    const trimmed = name.endsWith('/') ? name.replace(/\/+$/, '') : name;
    const slash = trimmed.lastIndexOf('/');
    return slash === -1 ? { dir: '', base: trimmed } : { dir: trimmed.slice(0, slash + 1), base: trimmed.slice(slash + 1) };
}
/** `./a/f1` -> `./a/.wh.f1`: the whiteout member that deletes `name`. */
function whiteoutName(name) {
    const { dir, base } = splitMemberName(name);
    return `${dir}${WHITEOUT_PREFIX}${base}`;
}
/** `./b/` -> `./b/.wh..wh..opq`; the root `./` (or `.`) -> `./.wh..wh..opq`. */
function opaqueMarkerName(dirName) {
    if (dirName === '.' || dirName === './' || dirName === '')
        return `./${OPAQUE_MARKER}`;
    return `${dirName.replace(/\/+$/, '')}/${OPAQUE_MARKER}`;
}
/** What a member name means to an OCI layer reader; undefined for an ordinary name. */
function parseWhiteout(name) {
    const { dir, base } = splitMemberName(name);
    if (!base.startsWith(WHITEOUT_PREFIX))
        return undefined;
    if (base === OPAQUE_MARKER)
        return { kind: 'opaque', dir };
    if (base.startsWith(META_PREFIX))
        return { kind: 'meta', dir, base };
    return { kind: 'whiteout', dir, target: base.slice(WHITEOUT_PREFIX.length) };
}
/** Whether a name's last component would read as a whiteout in an OCI layer. */
function looksLikeWhiteout(name) {
    return splitMemberName(name).base.startsWith(WHITEOUT_PREFIX);
}

;// CONCATENATED MODULE: ./src/core/image/layer-apply-rewrite.ts





const OVERLAY_XATTR = 'SCHILY.xattr.trusted.overlay.';
const isOverlayXattr = (key) => key.startsWith(OVERLAY_XATTR);
const OPAQUE = [`${OVERLAY_XATTR}opaque`, 'y'];
const rel = (name) => {
    const n = (0,archive_check/* normalizeMemberPath */.xC)(name);
    return n.ok ? n.path : name;
};
/**
 * Turns an OCI layer into what overlayfs reads in a lower layer, member by member, after
 * the extraction check has passed each one (../rootfs/gate.ts):
 * - `.wh.NAME` becomes a character device 0/0 named NAME (tar mknods it);
 * - `.wh..wh..opq` sets trusted.overlay.opaque=y on its directory: added to that
 *   directory's own member when it comes right after it (as every writer we know orders
 *   them, this one included); otherwise the directory is named in `lateOpaque` for the
 *   caller to mark once tar is done;
 * - every trusted.overlay.* xattr the layer brings itself is dropped (tar is told to
 *   restore that namespace, for the markers above, so nothing else may carry it);
 * - other `.wh..wh.*` names (AUFS bookkeeping) are left out.
 * A directory member is held back until the next member shows whether its marker follows.
 */
class ApplyRewrite {
    layer;
    stats = { whiteouts: 0, opaqueDirs: 0, metaSkipped: 0 };
    /** Directories (relative, '' for the root) whose marker did not follow them. */
    lateOpaque = [];
    held;
    constructor(layer) {
        this.layer = layer;
    }
    member(m) {
        const e = m.entry;
        const wh = parseWhiteout(e.path);
        if (wh && e.type !== 'file') {
            throw new image_errors/* ImageError */.C(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a whiteout name on a ${e.type}, not an empty file`);
        }
        if (e.type === 'hardlink' && parseWhiteout(e.linkTarget)) {
            throw new image_errors/* ImageError */.C(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a hard link to the whiteout ${JSON.stringify(e.linkTarget)}`);
        }
        if (wh?.kind === 'opaque') {
            this.stats.opaqueDirs++;
            const dir = rel(wh.dir);
            if (this.held && this.held.path === dir) {
                const emit = editMember(this.held.member, { drop: isOverlayXattr, add: [OPAQUE] });
                this.held = undefined;
                return { emit, data: 'skip' };
            }
            this.lateOpaque.push(dir);
            return { emit: this.flush(), data: 'skip' };
        }
        const before = this.flush();
        if (wh?.kind === 'meta') {
            this.stats.metaSkipped++;
            return { emit: before, data: 'skip' };
        }
        if (wh?.kind === 'whiteout') {
            if (wh.target === '' || wh.target === '.' || wh.target === '..') {
                throw new image_errors/* ImageError */.C(`${this.layer} is not a valid OCI layer: ${JSON.stringify(e.path)} is a whiteout of ${JSON.stringify(wh.target)}, which is not a name`);
            }
            this.stats.whiteouts++;
            // As the kernel makes them: c--------- 0:0. The member's other xattrs go too: a
            // whiteout is a name, not a file with properties.
            // The name's own bytes: one that is not UTF-8 must delete that very name.
            const exact = parseWhiteout(memberPathBytes(m));
            const emit = editMember(m, { path: Buffer.from(`${exact.dir}${exact.target}`, 'latin1'), typeflag: '3', mode: 0, size: 0, devmajor: 0, devminor: 0, drop: (k) => k.startsWith('SCHILY.xattr.') || k.startsWith('SCHILY.acl.') });
            return { emit: [...before, ...emit], data: 'skip' };
        }
        const overlay = m.pax.some((r) => isOverlayXattr(r.key));
        if (e.type === 'directory' && m.dataBytes === 0) {
            this.held = { member: overlay ? withoutOverlayXattrs(m) : m, path: rel(e.path) };
            return { emit: before, data: 'pass' };
        }
        return { emit: [...before, ...(overlay ? editMember(m, { drop: isOverlayXattr }) : m.original)], data: 'pass' };
    }
    flush() {
        const h = this.held;
        this.held = undefined;
        return h ? h.member.original : [];
    }
}
/** The member as if it had been written without the overlay's xattrs. */
function withoutOverlayXattrs(m) {
    return { ...m, original: editMember(m, { drop: isOverlayXattr }), pax: m.pax.filter((r) => !isOverlayXattr(r.key)) };
}

// EXTERNAL MODULE: ./src/core/image/layer-tar-args.ts
var layer_tar_args = __webpack_require__(8514);
;// CONCATENATED MODULE: ./src/core/image/layer-tar-rewriter.ts


const USTAR = Buffer.from('ustar', 'latin1');
/**
 * A streaming tar rewriter: the archive goes in chunk by chunk, each member's headers are
 * handed to a handler that says what to write instead, and file data flows through
 * untouched (subarrays of the input, no copies). Memory is one member's headers. The
 * format rules are those of ../rootfs/tar-reader.ts (same header functions), so the
 * names the handler sees are the names GNU tar and the extraction check see.
 *
 * After the end-of-archive block everything is passed as it is (tar's record padding).
 */
class TarRewriter {
    handler;
    header = Buffer.alloc(tar_header/* BLOCK */.IE);
    headerFill = 0;
    /** Data bytes still to pass or skip. */
    data = 0;
    dataMode = 'pass';
    /** GNU old sparse extension blocks still to come before the data. */
    sparseExt = false;
    meta;
    metaSkip = 0;
    paxGlobal = new Map();
    pending = { blocks: [], pax: [] };
    ended = false;
    _members = 0;
    constructor(handler) {
        this.handler = handler;
    }
    get members() {
        return this._members;
    }
    write(chunk) {
        const out = [];
        let off = 0;
        const n = chunk.length;
        while (off < n) {
            if (this.ended) {
                out.push(chunk.subarray(off));
                break;
            }
            if (this.data > 0 && !this.sparseExt) {
                const k = Math.min(this.data, n - off);
                if (this.dataMode === 'pass')
                    out.push(chunk.subarray(off, off + k));
                this.data -= k;
                off += k;
                continue;
            }
            if (this.meta) {
                const m = this.meta;
                if (m.fill < m.data.length) {
                    const k = Math.min(m.data.length - m.fill, n - off);
                    chunk.copy(m.data, m.fill, off, off + k);
                    m.fill += k;
                    off += k;
                    continue;
                }
                if (this.metaSkip > 0) {
                    const k = Math.min(this.metaSkip, n - off);
                    this.metaSkip -= k;
                    off += k;
                    continue;
                }
                this.meta = undefined;
                this.finishMeta(m, out);
                continue;
            }
            const k = Math.min(tar_header/* BLOCK */.IE - this.headerFill, n - off);
            chunk.copy(this.header, this.headerFill, off, off + k);
            this.headerFill += k;
            off += k;
            if (this.headerFill === tar_header/* BLOCK */.IE) {
                this.headerFill = 0;
                this.block(Buffer.from(this.header), out);
            }
        }
        // A meta member whose data ended exactly at the chunk's end.
        if (this.meta && this.meta.fill === this.meta.data.length && this.metaSkip === 0) {
            const m = this.meta;
            this.meta = undefined;
            this.finishMeta(m, out);
        }
        return out;
    }
    /** The input is over: what is still held; throws when it stopped inside a member. */
    end() {
        if (this.ended)
            return [];
        if (this.headerFill > 0 || this.data > 0 || this.meta || this.sparseExt || this.pending.blocks.length) {
            throw new tar_header/* TarFormatError */.ZV('the archive is truncated (it ends inside a member)');
        }
        this.ended = true;
        return this.handler.flush?.() ?? [];
    }
    block(block, out) {
        if (this.sparseExt) {
            if (this.dataMode === 'pass')
                out.push(block);
            if (!(0,tar_header/* sparseExtensionContinues */.U7)(block))
                this.sparseExt = false;
            return;
        }
        if ((0,tar_header/* isZeroBlock */.ei)(block)) {
            if (this.pending.blocks.length)
                throw new tar_header/* TarFormatError */.ZV('the archive ends after an extended header, before its member');
            this.ended = true;
            out.push(...(this.handler.flush?.() ?? []), block);
            return;
        }
        const p = this.pending;
        if (!p.blocks.length && !this.paxGlobal.size && this.handler.ignoresPlain?.(String.fromCharCode(block[156]))) {
            if (!block.subarray(257, 262).equals(USTAR))
                throw new tar_header/* TarFormatError */.ZV('a header block that is not ustar or pax (the archive is not one GNU tar wrote)');
            const size = (0,tar_header/* parseNumeric */.vK)(block, 124, 12, 'size');
            this._members++;
            this.data = size + (0,tar_header/* padding */.Ms)(size);
            this.dataMode = 'skip';
            return;
        }
        const h = (0,tar_header/* parseHeader */.RW)(block);
        switch (h.typeflag) {
            case 'x':
            case 'X':
            case 'g':
            case 'L':
            case 'K': {
                const size = h.size;
                if (size > tar_header/* MAX_META_BYTES */.Pu)
                    throw new tar_header/* TarFormatError */.ZV(`an extended header of ${size} bytes (more than a name or a few xattrs)`);
                this.meta = { kind: h.typeflag, block, data: Buffer.allocUnsafe(size), fill: 0, pad: (0,tar_header/* padding */.Ms)(size) };
                this.metaSkip = (0,tar_header/* padding */.Ms)(size);
                return;
            }
            case 'V':
                out.push(...(this.handler.flush?.() ?? []), block);
                this.data = h.size + (0,tar_header/* padding */.Ms)(h.size);
                this.dataMode = 'pass';
                return;
        }
        const local = new Map();
        for (const r of p.pax)
            for (const [k, v] of (0,tar_header/* parsePax */.dA)(r.bytes))
                local.set(k, v);
        const pax = this.paxGlobal.size ? new Map([...this.paxGlobal, ...local]) : local;
        const size = (0,tar_header/* dataSize */.Q3)(h, pax);
        const entry = (0,tar_header/* resolveEntry */.Tp)(h, pax, size, p.longName, p.longLink);
        // GNU tar reads no data after a hard link, whatever its size field says.
        const stored = h.typeflag === '1' ? 0 : size;
        const member = {
            entry,
            raw: h,
            header: block,
            pax: p.pax,
            paxBlock: p.paxBlock,
            hasLongName: p.longName !== undefined,
            hasLongLink: p.longLink !== undefined,
            original: [...p.blocks, block],
            dataBytes: stored + (0,tar_header/* padding */.Ms)(stored),
        };
        this.pending = { blocks: [], pax: [] };
        this._members++;
        const r = this.handler.member(member);
        out.push(...r.emit);
        this.data = member.dataBytes;
        this.dataMode = r.data;
        this.sparseExt = h.sparseExtended;
    }
    finishMeta(m, out) {
        const bytes = [m.block, m.data, ...(m.pad ? [Buffer.alloc(m.pad)] : [])];
        const p = this.pending;
        switch (m.kind) {
            case 'g':
                if (p.blocks.length)
                    throw new tar_header/* TarFormatError */.ZV("a global pax header between a member's extended headers and the member");
                for (const [k, v] of (0,tar_header/* parsePax */.dA)(m.data))
                    this.paxGlobal.set(k, v);
                out.push(...(this.handler.flush?.() ?? []), ...bytes);
                return;
            case 'x':
            case 'X':
                p.pax.push(...splitPaxRecords(m.data));
                p.paxBlock ??= m.block;
                break;
            case 'L':
                p.longName = (0,tar_header/* gnuLongName */.QM)(m.data);
                break;
            case 'K':
                p.longLink = (0,tar_header/* gnuLongName */.QM)(m.data);
                break;
        }
        p.blocks.push(...bytes);
    }
}

;// CONCATENATED MODULE: ./src/core/image/layer-apply.ts














/**
 * The extraction check's gate (../rootfs/gate.ts), then the OCI-to-overlay rewrite: the
 * check judges the layer as written (a `.wh.NAME` is an empty file like any other), and
 * only members it passed are rewritten and reach tar.
 */
class LayerGate {
    handler;
    check;
    rewriter;
    constructor(handler) {
        this.handler = handler;
        this.check = new gate/* ExtractionGate */.Z({ isRoot: true });
        this.rewriter = new TarRewriter(handler);
    }
    get refused() {
        return this.check.refused;
    }
    feed(chunk) {
        return this.check.feed(chunk).flatMap((part) => this.rewriter.write(part));
    }
    finish() {
        const rest = this.check.finish().flatMap((part) => this.rewriter.write(part));
        if (this.refused)
            return [];
        return [...rest, ...this.rewriter.end()];
    }
}
/**
 * Unpacks an OCI layer file (zstd, gzip or plain tar, told apart by content) into
 * `destDir`, which must not exist yet (an empty directory is replaced), as a directory
 * that overlayfs can use as a lower layer: whiteouts become character devices 0/0 and
 * opaque markers the trusted.overlay.opaque xattr (layer-apply-rewrite.ts).
 *
 * This is the root extraction of ../rootfs/extract.ts with one more stage: the same check
 * refuses members that could write outside the directory (absolute names, `..`, links
 * out, writes through symlinks) and skips device nodes other than the standard ones; GNU
 * tar writes (owners by number, modes, setuid, xattrs, ACLs, hard links); into a new
 * directory beside destDir that is renamed into place when complete. Needs root: only
 * root can set trusted.* xattrs and owners.
 */
async function applyLayer(layerFile, destDir, opts = {}) {
    if (process.geteuid?.() !== 0) {
        throw new errors/* PrivilegeError */.S7(`applying the image layer ${layerFile} needs root (owners, device nodes for whiteouts, trusted.overlay.* xattrs): run it as root or through sudo`);
    }
    const dest = external_node_path_default().resolve(destDir);
    const log = opts.log ?? (() => undefined);
    refuseExisting(dest);
    if (opts.signal?.aborted)
        throw new image_errors/* ImageError */.C(`applying ${layerFile} was aborted`);
    const fd = openLayer(layerFile);
    try {
        const compression = (0,rootfs_compression/* detectCompression */.IR)((0,rootfs_compression/* readMagic */.SC)(fd));
        if (compression !== 'none' && compression !== 'gzip' && compression !== 'zstd') {
            throw new image_errors/* ImageError */.C(`${layerFile} is ${compression}-compressed; OCI layers are zstd, gzip or plain tar`);
        }
        const parent = external_node_path_default().dirname(dest);
        (0,external_node_fs_.mkdirSync)(parent, { recursive: true });
        const tmp = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(parent, `.${external_node_path_default().basename(dest)}.layer-`));
        try {
            (0,external_node_fs_.chmodSync)(tmp, 0o755);
            const handler = new ApplyRewrite(layerFile);
            const gate = new LayerGate(handler);
            let outcome;
            try {
                outcome = await (0,pipeline/* extractThroughGate */.w)(layerFile, fd, compression, (0,layer_tar_args/* layerTarExtractArgs */.LO)(tmp), gate, opts.signal);
            }
            catch (err) {
                if (err instanceof tar_header/* TarFormatError */.ZV) {
                    throw new image_errors/* ImageError */.C(`${layerFile} is not a usable layer (${compression === 'none' ? 'uncompressed' : compression} tar): ${err.message}; nothing was applied`);
                }
                if (opts.signal?.aborted)
                    throw new image_errors/* ImageError */.C(`applying ${layerFile} was aborted`);
                throw err;
            }
            const plan = gate.check.plan();
            if (outcome === 'refused')
                throw new archive_check/* UnsafeArchiveError */.td(layerFile, plan.problems);
            if (handler.lateOpaque.length)
                await markOpaque(tmp, handler.lateOpaque, layerFile);
            (0,external_node_fs_.renameSync)(tmp, dest);
            const notes = plan.notes.map((n) => n.message);
            if (handler.stats.metaSkipped)
                notes.push(`${handler.stats.metaSkipped} AUFS bookkeeping member(s) (.wh..wh.*) left out`);
            notes.forEach((n) => log(n));
            return { compression, entries: plan.entries, whiteouts: handler.stats.whiteouts, opaqueDirs: handler.stats.opaqueDirs, notes };
        }
        catch (err) {
            (0,external_node_fs_.rmSync)(tmp, { recursive: true, force: true });
            const code = err.code;
            if (code === 'ENOTEMPTY' || code === 'EEXIST')
                throw new image_errors/* ImageError */.C(`${dest} appeared while ${layerFile} was being applied; not replacing it`);
            throw err;
        }
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
/**
 * Opaque markers that did not come right after their directory (a layer from another
 * writer): once tar is done, each directory gets the xattr from a second, tiny archive of
 * directory members that repeat what is on disk (mode, owner, mtime) plus the xattr: tar
 * is the one tool sure to be there that sets trusted.* xattrs (Node cannot; setfattr is
 * not installed everywhere). A directory the layer never made is made 0755 root's.
 */
async function markOpaque(root, dirs, layerFile) {
    const blocks = [];
    for (const d of new Set(dirs)) {
        const p = external_node_path_default().join(root, d);
        let st;
        try {
            st = (0,external_node_fs_.lstatSync)(p);
        }
        catch {
            st = undefined;
        }
        if (st && !st.isDirectory())
            throw new image_errors/* ImageError */.C(`${layerFile} is not a valid OCI layer: it marks ${JSON.stringify(d)} opaque, which is not a directory in the layer`);
        const name = d === '' ? './' : `./${d}/`;
        const h = Buffer.alloc(tar_header/* BLOCK */.IE);
        h.write('ustar\u000000', 257, 8, 'latin1');
        const mtime = Math.floor((st?.mtimeMs ?? Date.now()) / 1000);
        h.write(mtime.toString(8).padStart(11, '0'), 136, 11, 'latin1');
        h.write((st?.uid ?? 0).toString(8).padStart(7, '0'), 108, 7, 'latin1');
        h.write((st?.gid ?? 0).toString(8).padStart(7, '0'), 116, 7, 'latin1');
        const header = rewriteHeader(h, { name: name.length <= 100 ? name : name.slice(0, 100), typeflag: '5', mode: st ? st.mode & 0o7777 : 0o755, size: 0 });
        const records = [paxRecord('SCHILY.xattr.trusted.overlay.opaque', 'y')];
        if (name.length > 100)
            records.unshift(paxRecord('path', name));
        blocks.push(...paxHeaderBlocks(records, name, header), header);
    }
    blocks.push(Buffer.alloc(2 * tar_header/* BLOCK */.IE));
    const file = external_node_path_default().join(external_node_path_default().dirname(root), `.${external_node_path_default().basename(root)}.opaque.tar`);
    (0,external_node_fs_.writeFileSync)(file, Buffer.concat(blocks));
    try {
        const args = (0,layer_tar_args/* layerTarExtractArgs */.LO)(root).map((a) => (a === '-' ? file : a));
        const r = await (0,exec/* execCapture */.Wp)('tar', args);
        if (r.code !== 0)
            throw new image_errors/* ImageError */.C(`tar could not mark the opaque directories of ${layerFile} (exit status ${r.code}): ${r.stderr.trim()}`);
    }
    finally {
        (0,external_node_fs_.rmSync)(file, { force: true });
    }
}
function refuseExisting(dest) {
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)(dest);
    }
    catch (err) {
        const code = err.code;
        if (code === 'ENOENT')
            return;
        throw new image_errors/* ImageError */.C(`cannot apply a layer into ${dest}: it exists and is not an empty directory (${code})`);
    }
    if (entries.length)
        throw new image_errors/* ImageError */.C(`cannot apply a layer into ${dest}: it exists and is not empty; applying makes a new directory`);
}
function openLayer(file) {
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(file, 'r');
    }
    catch (err) {
        throw new image_errors/* ImageError */.C(`cannot read the image layer ${file}: ${err.message}`);
    }
    if (!(0,external_node_fs_.fstatSync)(fd).isFile()) {
        (0,external_node_fs_.closeSync)(fd);
        throw new image_errors/* ImageError */.C(`${file} is not a regular file`);
    }
    return fd;
}

;// CONCATENATED MODULE: ./src/core/image/layer-file-digest.ts


/** How often (bytes) the file's data is pushed to the disk while it is written. */
const SYNC_EVERY = 16 << 20;
/** How long to wait for the writer when the file has been read to its end. */
const POLL_MS = 4;
const readAt = (fd, buf, pos) => new Promise((resolve, reject) => (0,external_node_fs_.read)(fd, buf, 0, buf.length, pos, (err, n) => (err ? reject(err) : resolve(n))));
const datasync = (fd) => new Promise((resolve, reject) => (0,external_node_fs_.fdatasync)(fd, (err) => (err ? reject(err) : resolve())));
/**
 * SHA-256 and size of a file that another process (the compressor, or tar) is writing to
 * `fd` from its start, read as it grows, and its data made durable on the way: by the time
 * the writer ends, most of the file is hashed and on the disk, and what is left is the
 * last chunk (hashing and syncing after the end cost a save a tenth of its time).
 *
 * The writer only appends (tar and the compressors write their output once, in order), and
 * a file's size grows only over bytes already copied in, so what is read below the size is
 * final. `writerEnded` settles when the writer has exited, however it ended; the file is
 * then read to its end once more. The result is only meaningful if the writer succeeded.
 * `stop` ends it early (it rejects): the save failed, and the fd is about to be closed.
 */
async function digestGrowingFile(fd, writerEnded, stop) {
    let ended = false;
    const end = writerEnded.then(() => (ended = true), () => (ended = true));
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    let syncedTo = 0;
    let syncing;
    let syncError;
    for (;;) {
        if (stop?.aborted)
            break;
        const wasEnded = ended;
        const n = await readAt(fd, buf, pos);
        if (n > 0) {
            hash.update(buf.subarray(0, n));
            pos += n;
            if (!syncing && pos - syncedTo >= SYNC_EVERY) {
                const at = pos;
                syncing = datasync(fd).then(() => {
                    syncedTo = at;
                    syncing = undefined;
                }, (err) => {
                    syncError ??= err;
                    syncing = undefined;
                });
            }
            continue;
        }
        if (wasEnded)
            break;
        await Promise.race([end, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
    }
    await syncing;
    if (stop?.aborted)
        throw new Error('stopped');
    if (syncError)
        throw syncError;
    await datasync(fd);
    return { digest: `sha256:${hash.digest('hex')}`, size: pos };
}

// EXTERNAL MODULE: ./src/core/image/layer-compression.ts
var layer_compression = __webpack_require__(3591);
;// CONCATENATED MODULE: ./src/core/image/layer-save-find.ts

/**
 * What a save learns from `find` over the upper layer, run in it, so that names are member
 * names as GNU tar gives them (`.`, `./usr`, `./usr/bin`). find sorts the entries itself (a
 * walk in Node took three times as long), and hands the metadata dump its list directly:
 * - the directories (opaque? renamed by redirect_dir?) and character devices (a whiteout,
 *   if it is 0/0) go NUL-separated to its stderr, which is the dump's stdin (a tar that
 *   reads its names from find itself, not through Node; find's own messages, if any, go
 *   there too, and tar names them when it fails on them);
 * - on stdout, for Node: an empty record, `\0`, for every member, to count them, and
 *   `wNAME\0` for a name that starts with `.wh.` (in a layer it would read as a deletion);
 * - nothing for a socket (tar cannot archive one) or a volume's mount point and what is
 *   below it (pruned).
 */
function findArgs(excludedMembers) {
    // -path matches the whole name with glob characters: a literal name has them escaped.
    const literal = (name) => name.replace(/[\\*?[\]]/g, '\\$&');
    const prune = excludedMembers.length
        ? ['(', ...excludedMembers.flatMap((m, i) => [...(i ? ['-o'] : []), '-path', literal(m)]), ')', '-prune', '-o']
        : [];
    return [
        '.', ...prune,
        '-name', '.wh.*', '-printf', 'w%p\\0', '-o',
        '-type', 's', '-o',
        '(', '-type', 'd', '-o', '-type', 'c', ')', '-fprint0', '/dev/stderr', '-printf', '\\0', '-o',
        '-printf', '\\0',
    ];
}
/**
 * Reads find's records on stdout as they arrive (a record may straddle chunks): counts the
 * members and refuses `.wh.` names (ImageError). Names are latin1 strings (one char per
 * byte), so that a name that is not UTF-8 goes back to the same bytes.
 */
class FindRecords {
    upperDir;
    /** Members of the layer seen so far: all but sockets and what was pruned. */
    entries = 0;
    rest = '';
    constructor(upperDir) {
        this.upperDir = upperDir;
    }
    write(chunk) {
        const text = this.rest + chunk.toString('latin1');
        let start = 0;
        for (let nul = text.indexOf('\0'); nul !== -1; nul = text.indexOf('\0', start)) {
            this.entries++;
            if (nul > start)
                this.record(text.slice(start, nul));
            start = nul + 1;
        }
        this.rest = text.slice(start);
    }
    /** The end of find's output: a record left without its NUL means find was cut short. */
    end() {
        if (this.rest !== '')
            throw new image_errors/* ImageError */.C(`find's list of the upper layer ended in the middle of a name (${JSON.stringify(this.rest.slice(0, 80))})`);
    }
    record(rec) {
        if (rec[0] === 'w') {
            throw new image_errors/* ImageError */.C(`cannot save ${this.upperDir} as an image: ${JSON.stringify(Buffer.from(rec.slice(1), 'latin1').toString())} is named like an OCI whiteout (.wh.*), and in a layer it would read as a deletion; rename or remove it before saving`);
        }
        throw new image_errors/* ImageError */.C(`find printed a record this save does not know (${JSON.stringify(rec.slice(0, 80))})`);
    }
}

;// CONCATENATED MODULE: ./src/core/image/layer-save-rewrite.ts




/** The overlay's own xattrs (the kernel's bookkeeping), as pax keys. */
const layer_save_rewrite_OVERLAY_XATTR = 'SCHILY.xattr.trusted.overlay.';
const layer_save_rewrite_isOverlayXattr = (key) => key.startsWith(layer_save_rewrite_OVERLAY_XATTR);
/**
 * Overlay xattrs that change what a path means in a way an OCI layer cannot say: a
 * directory renamed in place (redirect_dir) and a file whose data is still in a lower
 * layer (metacopy). Saving such an upper layer would silently give a wrong image.
 */
const UNSAVABLE = {
    [`${layer_save_rewrite_OVERLAY_XATTR}redirect`]: 'a directory renamed by the overlay (redirect_dir)',
    [`${layer_save_rewrite_OVERLAY_XATTR}metacopy`]: 'a file whose data is still in a lower layer (metacopy)',
};
/**
 * The members a layer needs that tar cannot write itself, made from GNU tar's metadata-only
 * dump of the directories and character devices in the upper layer (layer-save-find.ts),
 * with only the overlay's xattrs, as podman's and Docker's overlay drivers write them
 * (image-spec layer.md):
 * - a whiteout (character device 0/0) becomes an empty regular file `.wh.NAME`, mode 0600,
 *   owner and time kept; so does a hard link to one (the kernel shares one whiteout inode
 *   among many names): tar links a name to the first of its inode's names in the dump;
 * - a directory with trusted.overlay.opaque=y gets an empty `.wh..wh..opq`, with the
 *   directory's owner and permission bits;
 * - a redirect_dir rename or a metacopy file is refused: an OCI layer cannot say it.
 * They go in `blocks`, in name order (the dump's order is find's, which is the disk's), to
 * be written before tar's own stream: every marker then comes before any member of its
 * directory, which no reader can get wrong. The dump itself is not passed on.
 */
class SavePrefix {
    upperDir;
    stats = { whiteouts: 0, opaqueDirs: 0 };
    members = [];
    /** The members made, in name order. */
    get blocks() {
        return this.members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).flatMap((m) => m.blocks);
    }
    /**
     * The whiteouts' names, as their bytes in latin1 strings: tar must leave them out. The
     * same names as find's (which named them to the dump), whatever their bytes.
     */
    whiteoutNames = [];
    /** Whiteouts seen so far, as the dump names them: a hard link to one is one too. */
    seen = new Set();
    constructor(upperDir) {
        this.upperDir = upperDir;
    }
    /** A directory with no extended header has no overlay xattr: nothing to make or refuse. */
    ignoresPlain(typeflag) {
        return typeflag === '5';
    }
    member(m) {
        const e = m.entry;
        for (const r of m.pax) {
            const why = UNSAVABLE[r.key];
            if (why) {
                throw new image_errors/* ImageError */.C(`cannot save ${this.upperDir} as an image: ${JSON.stringify(e.path)} is ${why}, which an OCI layer cannot express; mount the overlay with redirect_dir=off,metacopy=off (the default) for containers whose layer is saved`);
            }
        }
        const whiteout = (e.type === 'char' && e.devmajor === 0 && e.devminor === 0) || (e.type === 'hardlink' && this.seen.has(e.linkTarget));
        if (whiteout) {
            this.stats.whiteouts++;
            this.seen.add(e.path);
            const exact = memberPathBytes(m);
            this.whiteoutNames.push(exact);
            const name = whiteoutName(exact);
            const bytes = Buffer.from(name, 'latin1');
            // Mostly a header and nothing else (or a long name): made directly, the quick way.
            const plain = m.pax.every((r) => r.key === 'path' || layer_save_rewrite_isOverlayXattr(r.key));
            const blocks = plain
                ? emptyFileMember(bytes, 0o600, m.header)
                : editMember(m, { path: bytes, typeflag: '0', mode: 0o600, size: 0, linkname: '', devmajor: 0, devminor: 0, drop: layer_save_rewrite_isOverlayXattr });
            this.members.push({ name, blocks });
        }
        else if (e.type === 'directory' && m.pax.some((r) => r.key === `${layer_save_rewrite_OVERLAY_XATTR}opaque` && paxValue(r).toString('latin1') === 'y')) {
            this.stats.opaqueDirs++;
            const name = opaqueMarkerName(memberPathBytes(m));
            this.members.push({ name, blocks: emptyFileMember(Buffer.from(name, 'latin1'), e.mode & 0o777, m.header) });
        }
        return { emit: [], data: 'skip' };
    }
}

;// CONCATENATED MODULE: ./src/core/image/layer-save-tools.ts


/**
 * Starts a tool (see startPiped for `passStderr`); `orElse`: what else the user can do
 * when it is not installed.
 */
function startTool(file, args, stdio, opts = {}) {
    return (0,exec/* startPiped */.PH)(file, args, stdio, {
        ...opts,
        cannotStart: (err) => new image_errors/* ImageError */.C(err.code === 'ENOENT' ? `${file} is not installed; it is needed to save an image layer (install it${opts.orElse ? `, or ${opts.orElse}` : ''})` : `cannot run ${file}: ${err.message}`),
    });
}
const SIGPIPE_STATUS = 128 + 13;
const SIGKILL_STATUS = 128 + 9;
/**
 * Waits for TOOLS (in pipeline order) and throws for one that failed. A tool that could
 * not start is the cause; then one that failed by itself (not by SIGPIPE or our SIGKILL
 * after another part stopped), the last first: tar's "Broken pipe" is what a dead
 * compressor does to it, never the other way round. tar's exit status 1 ("file changed as
 * we read it") is a failure too: a layer of a tree that was being written is not a layer
 * of anything.
 */
async function checkTools(tools, upper) {
    const statuses = await Promise.allSettled(tools.map((t) => t.done));
    for (const s of statuses)
        if (s.status === 'rejected')
            throw s.reason;
    const exits = statuses.map((s, i) => ({ tool: tools[i], ...s.value })).reverse();
    for (const { tool, code, stderr } of exits) {
        if (code !== 0 && code !== SIGPIPE_STATUS && code !== SIGKILL_STATUS) {
            throw new image_errors/* ImageError */.C(`${tool.what} failed while saving ${upper} (exit status ${code})${stderr ? `: ${stderr}` : ''}`);
        }
    }
    for (const { tool, code } of exits) {
        if (code !== 0)
            throw new image_errors/* ImageError */.C(`${tool.what} was stopped while saving ${upper} (exit status ${code})`);
    }
}
/** Whether the tool is still running. */
const running = (t) => t.child.exitCode === null && t.child.signalCode === null;

;// CONCATENATED MODULE: ./src/core/image/layer-save-scan.ts







/**
 * Looks over an upper layer the way the save needs, all in C tools that start at once:
 *
 *   find .  (sockets and volumes left out)  ->  node: `.wh.` names refused, members counted
 *     | (its stderr: the directories and character devices)
 *   tar --no-recursion (their headers and the overlay xattrs that matter only)
 *           ->  node: SavePrefix makes the `.wh.` members and opaque markers, names
 *               the whiteouts (character devices 0/0), refuses redirect_dir renames
 *
 * Node does not stand between find and tar: on a cold start it was slower than both.
 * `excludedMembers` are the volumes' member names.
 */
async function scanUpper(upper, excludedMembers, signal) {
    const find = startTool('find', findArgs(excludedMembers), ['ignore', 'pipe', 'pipe'], { cwd: upper, passStderr: true });
    const meta = startTool('tar', (0,layer_tar_args/* tarMetaArgs */.An)(upper), [find.child.stderr, 'pipe', 'pipe']);
    // tar has it now: Node must not read any of it, nor keep it open.
    find.child.stderr.destroy();
    const tools = [find, meta];
    const killAll = () => {
        for (const t of tools)
            if (running(t))
                t.child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', killAll, { once: true });
    let failure;
    /** Runs a step of reading the tools' output; the first one that throws stops the scan. */
    const guarded = (step) => (...a) => {
        if (failure)
            return;
        try {
            step(...a);
        }
        catch (err) {
            failure = err instanceof tar_header/* TarFormatError */.ZV ? new image_errors/* ImageError */.C(`tar wrote an archive this save cannot read: ${err.message}`) : err;
            killAll();
        }
    };
    const records = new FindRecords(upper);
    find.child.stdout.on('data', guarded((chunk) => records.write(chunk)));
    find.child.stdout.on('end', guarded(() => records.end()));
    const prefix = new SavePrefix(upper);
    const rewriter = new TarRewriter(prefix);
    meta.child.stdout.on('data', guarded((chunk) => void rewriter.write(chunk)));
    try {
        await checkTools(tools, upper).catch((err) => {
            failure ??= err;
        });
        if (signal?.aborted)
            throw new image_errors/* ImageError */.C(`saving ${upper} was aborted`);
        if (failure)
            throw failure;
        return {
            prefix: Buffer.concat(prefix.blocks),
            excluded: [...excludedMembers, ...prefix.whiteoutNames],
            // A whiteout is one `.wh.` member, as it was one entry; an opaque marker is one more.
            entries: records.entries + prefix.stats.opaqueDirs,
            whiteouts: prefix.stats.whiteouts,
            opaqueDirs: prefix.stats.opaqueDirs,
        };
    }
    finally {
        signal?.removeEventListener('abort', killAll);
        killAll();
    }
}

;// CONCATENATED MODULE: ./src/core/image/layer-save.ts










/**
 * Saves an overlay upper directory as an OCI layer file:
 *
 *   scanUpper(upper)        find | tar (the headers and overlay xattrs of directories and
 *                           character devices): the `.wh.` members and opaque markers,
 *                           the whiteouts to leave out, refusals (layer-save-scan.ts)
 *   node writes those members, then  tar --sort=name --exclude... . | zstd -T0 -3 > FILE.tmp
 *   node reads FILE.tmp as it grows: sha256 = digest, fdatasync as it goes
 *
 * tar writes the layer straight into the compressor: the data never passes through Node
 * (on two cores, Node's share of moving and hashing 165 MB made a save 1.5x plain
 * `tar | zstd`). The layer is the members Node wrote (whiteouts and markers first, so each
 * comes before anything in its directory) followed by tar's archive.
 *
 * The file is written under a temporary name in its directory, fdatasynced and renamed
 * (the directory synced too): `outFile` is either the whole layer or absent, never half
 * of one (an existing file stays until the new one replaces it); on any failure the
 * temporary file is removed. Memory is flat: the whiteouts' names, and streams.
 */
async function saveLayer(upperDir, outFile, opts = {}) {
    const compression = opts.compression ?? 'zstd';
    const upper = external_node_path_default().resolve(upperDir);
    const out = external_node_path_default().resolve(outFile);
    const exclude = (opts.exclude ?? []).map(layer_tar_args/* excludeMemberName */.Gk);
    let st;
    try {
        st = (0,external_node_fs_.statSync)(upper);
    }
    catch (err) {
        throw new errors/* ConfigError */.xL(`cannot save ${upper} as an image: ${err.code === 'ENOENT' ? 'it does not exist (is it the container\'s upper layer?)' : err.message}`);
    }
    if (!st.isDirectory())
        throw new errors/* ConfigError */.xL(`cannot save ${upper} as an image: it is not a directory (give the container's upper layer directory)`);
    const outDir = external_node_path_default().dirname(out);
    try {
        if (!(0,external_node_fs_.statSync)(outDir).isDirectory())
            throw new Error('not a directory');
    }
    catch {
        throw new errors/* ConfigError */.xL(`cannot write the image layer ${out}: its directory ${outDir} does not exist (create it first)`);
    }
    if (opts.signal?.aborted)
        throw new image_errors/* ImageError */.C(`saving ${upper} was aborted`);
    const tmp = external_node_path_default().join(outDir, `.${external_node_path_default().basename(out)}.tmp-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(tmp, 'wx+', 0o644);
    }
    catch (err) {
        throw new image_errors/* ImageError */.C(`cannot create ${tmp} to write the image layer: ${err.message}`);
    }
    let fdOpen = true;
    try {
        const r = await runPipeline(upper, exclude, compression, fd, opts.signal);
        (0,external_node_fs_.closeSync)(fd);
        fdOpen = false;
        (0,external_node_fs_.renameSync)(tmp, out);
        syncDir(outDir);
        return { file: out, compression, mediaType: (0,layer_compression/* layerMediaType */.sG)(compression), ...r };
    }
    catch (err) {
        if (fdOpen)
            (0,external_node_fs_.closeSync)(fd);
        // tar and the compressor write the file themselves, and say "Wrote only N of M bytes":
        // name the cause when it is a full disk (looked at before the file goes).
        const full = err instanceof image_errors/* ImageError */.C && diskFull(outDir);
        try {
            (0,external_node_fs_.unlinkSync)(tmp);
        }
        catch {
            // already gone
        }
        if (full) {
            throw new image_errors/* ImageError */.C(`no space left on the filesystem of ${outDir} (ENOSPC) while saving ${upper}; free some space or write the layer elsewhere (${err.message})`);
        }
        throw err;
    }
}
/** Whether the filesystem of DIR has (next to) no space left for us. */
function diskFull(dir) {
    try {
        const s = (0,external_node_fs_.statfsSync)(dir);
        return s.bavail * s.bsize < 256 * 1024;
    }
    catch {
        return false;
    }
}
/** Makes a rename durable (the directory entry), where the filesystem allows it. */
function syncDir(dir) {
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(dir, 'r');
        (0,external_node_fs_.fsyncSync)(fd);
    }
    catch {
        // Some filesystems refuse fsync on a directory; the data itself was synced.
    }
    finally {
        if (fd !== undefined)
            (0,external_node_fs_.closeSync)(fd);
    }
}
/** Writes BUF to the stream and waits until it has been handed to the kernel. */
function writeStream(w, buf) {
    return new Promise((resolve, reject) => w.write(buf, (err) => (err ? reject(err) : resolve())));
}
/**
 * The scan starts first (tar waits for it), the compressor while it runs (it writes the
 * file itself); tar starts when the scan has said what to leave out and the prefix is in
 * the compressor, and Node follows the file as it grows. Every tool is killed on the way
 * out, whatever happened, and nothing reads the fd once this returns.
 */
async function runPipeline(upper, exclude, compression, fd, signal) {
    const stopScan = new AbortController();
    const stopAll = () => stopScan.abort();
    signal?.addEventListener('abort', stopAll, { once: true });
    const scanning = scanUpper(upper, exclude, stopScan.signal);
    scanning.catch(() => undefined); // awaited below
    const cmd = (0,layer_compression/* compressorCommand */.Xf)(compression);
    const comp = cmd ? startTool(cmd.file, cmd.args, ['pipe', fd, 'pipe'], { orElse: 'choose another compression' }) : undefined;
    const tools = comp ? [comp] : [];
    const killAll = () => {
        for (const t of tools)
            if (running(t))
                t.child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', killAll, { once: true });
    const stopFollowing = new AbortController();
    let file;
    try {
        // A compressor that could not start (not installed) rejects `done` with why.
        if (comp && comp.child.pid === undefined)
            await comp.done;
        const scan = await scanning;
        const exclusion = (0,layer_tar_args/* tarExclusion */._c)(scan.excluded);
        let into;
        if (comp) {
            const stdin = comp.child.stdin;
            stdin.on('error', () => undefined); // the compressor's exit status says why
            // All of it in the pipe before tar writes there too.
            if (scan.prefix.length)
                await writeStream(stdin, scan.prefix).catch(() => undefined);
            into = stdin;
        }
        else {
            // Uncompressed: the members go to the file at its offset, then tar goes on from there.
            (0,external_node_fs_.writeSync)(fd, scan.prefix);
            into = fd;
        }
        if (signal?.aborted)
            throw new image_errors/* ImageError */.C(`saving ${upper} was aborted`);
        const tar = startTool('tar', (0,layer_tar_args/* tarCreateArgs */.l2)(upper, exclusion), ['pipe', into, 'pipe']);
        tools.unshift(tar);
        // Its --exclude-from: tar reads it to the end before it starts.
        tar.child.stdin.on('error', () => undefined);
        tar.child.stdin.end(exclusion.file);
        // tar's end is the layer's end: then the compressor gets EOF.
        void tar.done.catch(() => undefined).finally(() => comp?.child.stdin.end());
        file = digestGrowingFile(fd, (comp ?? tar).done, stopFollowing.signal);
        file.catch(() => undefined); // judged below, once the tools are
        try {
            await checkTools(tools, upper);
        }
        finally {
            if (signal?.aborted)
                throw new image_errors/* ImageError */.C(`saving ${upper} was aborted`);
        }
        const c = await file;
        return {
            digest: c.digest,
            size: c.size,
            ...(comp ? {} : { diffId: c.digest }),
            entries: scan.entries,
            whiteouts: scan.whiteouts,
            opaqueDirs: scan.opaqueDirs,
        };
    }
    finally {
        signal?.removeEventListener('abort', killAll);
        signal?.removeEventListener('abort', stopAll);
        stopScan.abort();
        await scanning.catch(() => undefined);
        killAll();
        // Whatever happened, nothing reads the fd once this returns: the caller closes it.
        stopFollowing.abort();
        await file?.catch(() => undefined);
    }
}

// EXTERNAL MODULE: ./src/core/image/manifest.ts
var manifest = __webpack_require__(3512);
;// CONCATENATED MODULE: ./src/core/image/store.ts











/** `sha256:HEX` -> HEX, for file names. */
function hexOf(digest) {
    return digest.replace(/^sha256:/, '');
}
function errno(err) {
    return err?.code;
}
/** Writes BYTES to FILE through a temp name in its directory and a rename. */
function writeAtomic(file, bytes) {
    (0,external_node_fs_.mkdirSync)(external_node_path_default().dirname(file), { recursive: true });
    const tmp = external_node_path_default().join(external_node_path_default().dirname(file), `.${external_node_path_default().basename(file)}.tmp-${process.pid}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`);
    try {
        (0,external_node_fs_.writeFileSync)(tmp, bytes);
        (0,external_node_fs_.renameSync)(tmp, file);
    }
    catch (err) {
        (0,external_node_fs_.rmSync)(tmp, { force: true });
        throw err;
    }
}
/**
 * The images of a library dir, content-addressed:
 *   store/images/blobs/sha256/HEX      layer blobs (OCI layer tars, zstd/gzip/plain)
 *   store/images/manifests/HEX.json    image manifests (manifest.ts); HEX is the image digest
 *   store/images/names/NAME:TAG        the digest a name points to (replaced by rename)
 *   store/layers/HEX/                  a layer applied as an overlay lower dir (HEX: its diff_id),
 *                                      made once, under a lock, renamed into place when whole
 * Blobs and manifests are only ever added whole (temp name + rename) and, being named by
 * their content, two saves of the same layer write the same file: the second rename
 * replaces it with identical bytes. Names are the only mutable part.
 */
class ImageStore {
    libraryDir;
    constructor(libraryDir) {
        this.libraryDir = libraryDir;
    }
    get dir() {
        return external_node_path_default().join(this.libraryDir, 'store', 'images');
    }
    get blobsDir() {
        return external_node_path_default().join(this.dir, 'blobs', 'sha256');
    }
    get manifestsDir() {
        return external_node_path_default().join(this.dir, 'manifests');
    }
    get namesDir() {
        return external_node_path_default().join(this.dir, 'names');
    }
    get layersDir() {
        return external_node_path_default().join(this.libraryDir, 'store', 'layers');
    }
    blobPath(digest) {
        return external_node_path_default().join(this.blobsDir, hexOf(digest));
    }
    manifestPath(digest) {
        return external_node_path_default().join(this.manifestsDir, `${hexOf(digest)}.json`);
    }
    namePath(name) {
        return external_node_path_default().join(this.namesDir, name);
    }
    layerDir(layer) {
        return external_node_path_default().join(this.layersDir, (0,manifest/* layerKey */.n3)(layer));
    }
    lockPath(what) {
        return external_node_path_default().join(this.libraryDir, 'store', 'locks', `image-${what}.lock`);
    }
    /** Saves an upper directory as a layer blob in the store (layer-save.ts does the work). */
    async saveUpper(upperDir, opts = {}) {
        (0,external_node_fs_.mkdirSync)(this.blobsDir, { recursive: true });
        const tmp = external_node_path_default().join(this.blobsDir, `.incoming-${process.pid}-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
        try {
            const r = await saveLayer(upperDir, tmp, opts);
            (0,external_node_fs_.renameSync)(tmp, this.blobPath(r.digest));
            return { digest: r.digest, ...(r.diffId ? { diffId: r.diffId } : {}), mediaType: r.mediaType, size: r.size };
        }
        finally {
            (0,external_node_fs_.rmSync)(tmp, { force: true });
        }
    }
    /** Moves a verified blob file into the store under its digest. */
    adoptBlob(file, digest) {
        (0,external_node_fs_.mkdirSync)(this.blobsDir, { recursive: true });
        (0,external_node_fs_.renameSync)(file, this.blobPath(digest));
    }
    hasBlob(digest) {
        return (0,external_node_fs_.existsSync)(this.blobPath(digest));
    }
    /** Stores a manifest; returns its digest (the image's). */
    putManifest(m) {
        const { bytes, digest } = (0,manifest/* encodeImageManifest */.j7)(m);
        if (!(0,external_node_fs_.existsSync)(this.manifestPath(digest)))
            writeAtomic(this.manifestPath(digest), bytes);
        return digest;
    }
    hasManifest(digest) {
        return (0,external_node_fs_.existsSync)(this.manifestPath(digest));
    }
    /** Reads a stored manifest, checking that its bytes still have its digest. */
    readManifest(digest) {
        let bytes;
        try {
            bytes = (0,external_node_fs_.readFileSync)(this.manifestPath(digest));
        }
        catch (err) {
            if (errno(err) === 'ENOENT')
                throw new errors/* ConfigError */.xL(`image ${digest} is not in ${this.libraryDir} (see image ls, or image load it)`);
            throw err;
        }
        const actual = `sha256:${(0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex')}`;
        if (actual !== digest)
            throw new image_errors/* ImageError */.C(`the stored manifest of image ${digest} is damaged (its sha256 is ${actual}); remove the image and load it again`);
        return (0,manifest/* decodeImageManifest */.pg)(bytes, `the manifest of image ${digest}`);
    }
    /** Points NAME[:TAG] at DIGEST (a rename: readers see the old digest or the new one). */
    async setName(name, digest) {
        const full = (0,image_ref/* formatImageName */.eS)((0,image_ref/* parseImageName */["if"])(name));
        if (!this.hasManifest(digest))
            throw new image_errors/* ImageError */.C(`cannot name ${full}: image ${digest} is not stored`);
        await (0,lock/* withFileLock */.U)(this.lockPath('names'), async () => writeAtomic(this.namePath(full), `${digest}\n`));
        return full;
    }
    /** The digest NAME:TAG points to, or undefined. */
    readName(full) {
        try {
            const d = (0,external_node_fs_.readFileSync)(this.namePath(full), 'utf8').trim();
            return /^sha256:[0-9a-f]{64}$/.test(d) ? d : undefined;
        }
        catch {
            return undefined;
        }
    }
    /** An image by name, digest or digest prefix; ConfigError saying what to do when there is none. */
    resolve(text) {
        const ref = (0,image_ref/* parseImageRef */.Q)(text);
        if (ref.kind === 'name') {
            const full = (0,image_ref/* formatImageName */.eS)(ref);
            const digest = this.readName(full);
            if (!digest)
                throw new errors/* ConfigError */.xL(`there is no image named ${full} in ${this.libraryDir} (see image ls; image save or image load makes one)`);
            return { name: full, digest, manifest: this.readManifest(digest) };
        }
        if (!ref.prefix)
            return { digest: `sha256:${ref.hex}`, manifest: this.readManifest(`sha256:${ref.hex}`) };
        const hits = this.manifestDigests().filter((d) => hexOf(d).startsWith(ref.hex));
        if (hits.length === 0)
            throw new errors/* ConfigError */.xL(`no image's digest starts with ${ref.hex} in ${this.libraryDir} (see image ls)`);
        if (hits.length > 1)
            throw new errors/* ConfigError */.xL(`${hits.length} images' digests start with ${ref.hex}: give more digits`);
        return { digest: hits[0], manifest: this.readManifest(hits[0]) };
    }
    /** The image and the images below it, newest (top) first. */
    chain(digest) {
        const out = [];
        const seen = new Set();
        for (let d = digest; d !== undefined;) {
            if (seen.has(d))
                throw new image_errors/* ImageError */.C(`image ${digest} has a loop in its parents at ${d}; the store is damaged`);
            seen.add(d);
            if (!this.hasManifest(d))
                throw new image_errors/* ImageError */.C(`image ${out.at(-1)?.digest ?? digest} sits on image ${d}, which is not in ${this.libraryDir}; load the parent image first, or save with --squash`);
            const manifest = this.readManifest(d);
            out.push({ digest: d, manifest });
            d = manifest.parent;
        }
        return out;
    }
    manifestDigests() {
        try {
            return (0,external_node_fs_.readdirSync)(this.manifestsDir)
                .filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
                .map((f) => `sha256:${f.slice(0, 64)}`);
        }
        catch {
            return [];
        }
    }
    /** Named images, sorted by name. */
    list() {
        let names;
        try {
            names = (0,external_node_fs_.readdirSync)(this.namesDir).filter((n) => !n.startsWith('.'));
        }
        catch {
            return [];
        }
        const out = [];
        for (const name of names.sort()) {
            const digest = this.readName(name);
            if (!digest || !this.hasManifest(digest))
                continue;
            out.push({ name, digest, manifest: this.readManifest(digest) });
        }
        return out;
    }
    /**
     * Removes the name; then whatever no remaining name needs (manifests, blobs, applied
     * layer dirs), except layer dirs that a container of this library dir stacks (running
     * or not: a container started from the image keeps its layers, as its upper needs them).
     * Returns the paths removed.
     */
    async remove(text) {
        const ref = (0,image_ref/* parseImageRef */.Q)(text);
        if (ref.kind !== 'name')
            throw new errors/* ConfigError */.xL(`image rm takes a name (NAME[:TAG]), not a digest: see image ls for the names`);
        const full = (0,image_ref/* formatImageName */.eS)(ref);
        return (0,lock/* withFileLock */.U)(this.lockPath('names'), async () => {
            if (!this.readName(full))
                throw new errors/* ConfigError */.xL(`there is no image named ${full} in ${this.libraryDir} (see image ls)`);
            (0,external_node_fs_.rmSync)(this.namePath(full));
            return [this.namePath(full), ...this.collectGarbage()];
        });
    }
    /** Removes what no named image reaches. Called under the names lock. */
    collectGarbage() {
        const manifests = new Set();
        const blobs = new Set();
        const layers = new Set();
        for (const img of this.list()) {
            let chain;
            try {
                chain = this.chain(img.digest);
            }
            catch {
                chain = [img];
            }
            for (const c of chain) {
                manifests.add(hexOf(c.digest));
                blobs.add(hexOf(c.manifest.layer.digest));
                layers.add((0,manifest/* layerKey */.n3)(c.manifest.layer));
            }
        }
        for (const dir of this.containerLowerDirs())
            if (external_node_path_default().dirname(dir) === this.layersDir)
                layers.add(external_node_path_default().basename(dir));
        const removed = [];
        const sweep = (dir, keep) => {
            let entries = [];
            try {
                entries = (0,external_node_fs_.readdirSync)(dir);
            }
            catch {
                return;
            }
            for (const f of entries) {
                if (f.startsWith('.') || keep(f))
                    continue;
                (0,external_node_fs_.rmSync)(external_node_path_default().join(dir, f), { recursive: true, force: true });
                removed.push(external_node_path_default().join(dir, f));
            }
        };
        sweep(this.manifestsDir, (f) => manifests.has(f.replace(/\.json$/, '')));
        sweep(this.blobsDir, (f) => blobs.has(f));
        sweep(this.layersDir, (f) => layers.has(f));
        return removed;
    }
    /** Lower dirs of the containers of this library dir, as their run records have them. */
    containerLowerDirs() {
        let entries = [];
        try {
            entries = (0,external_node_fs_.readdirSync)(this.libraryDir).filter((e) => e === 'app' || e.startsWith('app-'));
        }
        catch {
            return [];
        }
        const out = [];
        for (const e of entries) {
            out.push(...((0,state/* readRunRecord */.lR)(external_node_path_default().join(this.libraryDir, e))?.lowerDirs ?? []));
        }
        return out;
    }
    /**
     * The layer applied as an overlay lower dir (store/layers/DIFFHEX), made from its blob
     * the first time it is needed; two processes needing it at once apply it once.
     */
    async ensureLayerDir(layer, log) {
        const dir = this.layerDir(layer);
        if (isDir(dir))
            return dir;
        if (!this.hasBlob(layer.digest))
            throw new image_errors/* ImageError */.C(`the layer blob ${layer.digest} is missing from ${this.blobsDir}; load the image again`);
        await (0,lock/* withFileLock */.U)(this.lockPath(`layer-${(0,manifest/* layerKey */.n3)(layer)}`), async () => {
            if (isDir(dir))
                return;
            (0,external_node_fs_.mkdirSync)(this.layersDir, { recursive: true });
            await applyLayer(this.blobPath(layer.digest), dir, { log });
        }, { onWait: () => log?.(`another process is applying layer ${layer.diffId ?? layer.digest}; waiting for it`) });
        return dir;
    }
}
function isDir(p) {
    try {
        return (0,external_node_fs_.statSync)(p).isDirectory();
    }
    catch {
        return false;
    }
}


/***/ })

};
