// Stand-in for the `server-only` package outside Next's server bundles (tests, worker, scripts).
export {};
