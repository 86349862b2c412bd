// The search page's browser script: bundled by esbuild into one script (client-script.ts).
import { start } from "./client.ts";

start();
