// Next.js's server makes AsyncLocalStorage global before any of its request storage is made (a module of
// next/dist made before that keeps a stand-in that holds nothing). Imported first by whatever loads
// next/headers in a test.
import { AsyncLocalStorage } from "node:async_hooks";

const globals = globalThis as { AsyncLocalStorage?: typeof AsyncLocalStorage };
globals.AsyncLocalStorage ??= AsyncLocalStorage;
