// The core's layering, checked by `npm run lint` (dependency-cruiser): no import cycle between the core's
// folders (a folder's subfolders count as part of it: core/tshark/chunking is the tshark runner's), no import
// cycle between the modules of core/report/, and the core never imports vscode (the extension is a thin view
// over it).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-no-folder-cycles',
      severity: 'error',
      comment:
        'Data flows one way through the core (tshark → model → summaries → classify → findings → report): no two folders may import each other, directly or around a loop.',
      scope: 'folder',
      from: { path: '^core/' },
      to: { circular: true },
    },
    {
      name: 'report-no-module-cycles',
      severity: 'error',
      comment:
        'The report folder renders one way (table and outline-node helpers → section renderers → markdown.ts, outline.ts): no two of its modules may import each other, directly or around a loop.',
      from: { path: '^core/report/' },
      to: { path: '^core/report/', circular: true },
    },
    {
      name: 'core-no-vscode',
      severity: 'error',
      comment: 'core/ runs in the CLI and the tests without VS Code: only extension/ may import vscode.',
      from: { path: '^core/' },
      to: { path: '^vscode$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
