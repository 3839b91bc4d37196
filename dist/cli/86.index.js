export const id = 86;
export const ids = [86];
export const modules = {

/***/ 9086:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  rootfsCommand: () => (/* binding */ rootfsCommand)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/core/rootfs/add.ts + 2 modules
var add = __webpack_require__(1196);
// EXTERNAL MODULE: ./src/core/rootfs/store.ts
var rootfs_store = __webpack_require__(2006);
// EXTERNAL MODULE: ./src/core/jail/config.ts
var config = __webpack_require__(6412);
// EXTERNAL MODULE: ./src/cli/rootfs-args.ts
var rootfs_args = __webpack_require__(5861);
// EXTERNAL MODULE: ./src/core/rootfs/progress.ts
var progress = __webpack_require__(8104);
;// CONCATENATED MODULE: ./src/cli/terminal-progress.ts

/**
 * A download's progress on a terminal: one line, redrawn in place (at most ten times a
 * second, and once at the end), that other messages clear before they are printed. The
 * clock and the writer are parameters so that tests can drive it.
 */
class TerminalProgress {
    write;
    label;
    columns;
    now;
    shown = false;
    lastDraw = -Infinity;
    start;
    constructor(write, label, columns = () => 80, now = () => Date.now()) {
        this.write = write;
        this.label = label;
        this.columns = columns;
        this.now = now;
    }
    update(p) {
        const t = this.now();
        this.start ??= t;
        const done = p.total !== undefined && p.received >= p.total;
        if (!done && t - this.lastDraw < 100)
            return;
        this.lastDraw = t;
        const seconds = (t - this.start) / 1000;
        const rate = seconds >= 0.5 ? p.received / seconds : undefined;
        const width = Math.max(20, this.columns() - 1);
        const line = `${this.label} ${(0,progress/* progressBar */.hr)(p.received, p.total, rate, width - this.label.length - 1)}`;
        this.write(`\r\x1b[K${line.slice(0, width)}`);
        this.shown = true;
    }
    /** A message line: the bar is cleared first, and redrawn by the next update. */
    log(line) {
        this.clear();
        this.write(`${line}\n`);
    }
    /** Leaves the terminal's line as it was before the bar (call when the download ends). */
    clear() {
        if (!this.shown)
            return;
        this.write('\r\x1b[K');
        this.shown = false;
        this.lastDraw = -Infinity;
    }
}

;// CONCATENATED MODULE: ./src/cli/rootfs.ts






/** Runs a parsed `rootfs` command (as root). Returns the exit status. */
async function rootfsCommand(args, io) {
    if (args.action === 'help') {
        io.out(rootfs_args/* ROOTFS_USAGE */.q + '\n');
        return 0;
    }
    const store = new rootfs_store/* RootStore */.yd(external_node_path_default().resolve(args.libraryDir || config/* DEFAULT_LIBRARY_DIR */.s));
    switch (args.action) {
        case 'add': {
            // On a terminal the download is a bar redrawn in place; in logs, a line a second.
            const bar = io.errIsTTY ? new TerminalProgress(io.err, 'downloading', io.columns) : undefined;
            const r = await (0,add/* addRoot */._)(store, args.name, args.source, {
                sha256: args.sha256,
                log: (l) => (bar ? bar.log(l) : io.err(`${l}\n`)),
                onProgress: bar && ((p) => bar.update(p)),
            });
            bar?.clear();
            io.out(`root-${r.entry.name} -> ${r.entry.path}${r.sha256 ? ` (sha256 ${r.sha256})` : ''}\n`);
            return 0;
        }
        case 'ls': {
            const roots = store.list();
            if (args.json) {
                io.out(JSON.stringify(roots, null, 2) + '\n');
            }
            else if (roots.length === 0) {
                io.out(`no roots in ${store.libraryDir} (add one with: micro-container rootfs add NAME SOURCE)\n`);
            }
            else {
                const rows = roots.map((r) => [r.name, r.id.startsWith('dir-') ? r.id : r.id.slice(0, 12), r.addedAt.slice(0, 19).replace('T', ' '), r.source]);
                const head = ['NAME', 'ID', 'ADDED', 'SOURCE'];
                const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
                for (const row of [head, ...rows])
                    io.out(row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]) : c)).join('  ') + '\n');
            }
            return 0;
        }
        case 'rm':
            for (const p of store.remove(args.name))
                io.err(`removed ${p}\n`);
            return 0;
    }
}


/***/ })

};
