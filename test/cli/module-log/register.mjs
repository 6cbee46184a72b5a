// `node --import ./test/cli/module-log/register.mjs ...`: every module URL the process resolves
// is appended, one a line, to the file named by $LBCTL_MODULE_LOG (hooks run off the main thread).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
