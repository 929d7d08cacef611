/**
 * The server's layers point one way (issue 14): graphql -> modules -> engine / repositories -> domain.
 * `npm test` runs these rules (`npm run lint:deps`); a violation fails it with the offending import.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere in the server, pacing-core or the web app',
      from: { path: '^(server/src|pacing-core/src|web/src)' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain (pure rules) imports nothing of the server outside itself',
      from: { path: '^server/src/domain/' },
      to: { path: '^server/src/', pathNot: '^server/src/domain/' },
    },
    {
      name: 'engine-imports-no-module',
      severity: 'error',
      comment: 'The engine reaches modules only through the ports it defines (DialerEvents), wired in app.ts',
      from: { path: '^server/src/engine/' },
      to: { path: '^server/src/(modules|graphql|http|pubsub|seed|scripts)/' },
    },
    {
      name: 'services-do-not-import-graphql',
      severity: 'error',
      comment: 'Services, repositories and the rest know nothing of GraphQL; only resolvers, types and inputs do',
      from: { path: '^server/src/(?!graphql/|app\\.ts|main\\.ts|scripts/)', pathNot: '\\.(resolver|type|input|mapper)\\.ts$' },
      to: { path: '^server/src/graphql/' },
    },
    {
      name: 'pacing-core-stands-alone',
      severity: 'error',
      comment: 'pacing-core is pure and imports nothing from the server or the web app',
      from: { path: '^pacing-core/' },
      to: { path: '^(server|web)/' },
    },
    {
      name: 'web-imports-no-server',
      severity: 'error',
      comment: 'The web app talks to the server over GraphQL only',
      from: { path: '^web/src/' },
      to: { path: '^(server|pacing-core)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.svelte'] },
  },
};
