// The action's post step (dist/post/index.js, post-if: always()): one call.
import { runPost } from './run-post.js';

await runPost();
