// Imported first by the entry points (main.ts, cli.ts): on Node 22.1 and later, V8 keeps the code
// it compiled for Linkhub's modules on disk (in the system's temporary directory) and a later start
// reuses it instead of compiling them again (bench/start.ts). Node 20 has no such cache: nothing happens.
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
