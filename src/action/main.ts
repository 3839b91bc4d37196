// The action's main step (dist/main/index.js): one call, nothing else at import time.
import { runMain } from './run-main.js';

await runMain();
