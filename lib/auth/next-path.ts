// Where to go after sign-in: a path on this site only. Browsers read `/\evil.example` and `//evil.example`
// as another host, drop tabs and newlines inside URLs, and decode nothing twice, so the path is resolved
// the way a browser would and kept only if it stays on the same origin.
const BASE = "http://switchboard.invalid";

export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > 2048 || !next.startsWith("/")) return "/";
  // control characters are stripped by URL parsers, which could turn `/\t/evil` into `//evil`
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // a resolved path such as `/.//evil` becomes `//evil`, which a browser would treat as another host
  if (!path.startsWith("/") || path.startsWith("//")) return "/";
  return path;
}
