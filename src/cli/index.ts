#!/usr/bin/env node
import { main } from './main.js';

// The only side effect: run the CLI and exit with its status.
main(process.argv.slice(2)).then((code) => process.exit(code));
