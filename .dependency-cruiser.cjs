// The layering of STYLE.md, checked on every test run.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'jobs-is-the-core', severity: 'error', comment: 'src/jobs imports nothing else of src',
      from: { path: '^src/jobs/' }, to: { path: '^src/', pathNot: '^src/jobs/' } },
    { name: 'api-never-talks-to-yarn', severity: 'error', comment: 'the API process never talks to a ResourceManager',
      from: { path: '^src/api/' }, to: { path: '^src/(yarn|worker|tracker|emulator)/' } },
    { name: 'emulator-only-for-dev-and-tests', severity: 'error', comment: 'production code never imports the RM emulator',
      from: { path: '^(src|workers)/', pathNot: '^src/(emulator|dev)/' }, to: { path: '^src/emulator/' } },
    { name: 'local-yarn-only-for-dev-and-tests', severity: 'error', comment: 'production code never starts a YARN of its own',
      from: { path: '^(src|workers)/', pathNot: '^src/(local-yarn|dev)/' }, to: { path: '^src/local-yarn/' } },
    { name: 'webhooks-below-the-api', severity: 'error', comment: 'webhook delivery runs beside the API, not through it',
      from: { path: '^src/webhooks/' }, to: { path: '^src/(api|cli)/' } },
    { name: 'nothing-imports-the-cli', severity: 'error', comment: 'the sluice command is a leaf: shared start/stop wiring lives in src/runtime',
      from: { pathNot: '^(src/cli/|bin/)' }, to: { path: '^src/cli/' } },
    { name: 'src-never-imports-test', severity: 'error', comment: 'test support is for tests; what both need lives under src',
      from: { path: '^(src|workers)/' }, to: { path: '^test/' } },
    { name: 'emulator-stands-alone', severity: 'error', comment: 'the emulator speaks the wire format on its own, not through our client',
      from: { path: '^src/emulator/' }, to: { path: '^src/', pathNot: '^src/emulator/' } },
    { name: 'client-stays-light', severity: 'error',
      comment: "the typed client is for schedulers too: it reaches only the API's shapes (src/jobs, src/events/event.ts, src/rollout and the rollout setting's schema), never the server's runtime",
      from: { path: '^src/client/' }, to: { path: '^src/', pathNot: '^src/(client|jobs|rollout)/|^src/events/event[.]ts$|^src/regions/rollout-config[.]ts$', reachable: true } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
