// What `oro:index` re-exports: the host answers /oro/generated/modules.js with one
// `export * as <name> from '/oro/<name>.js'` line per top-level module it serves
// (oro_framework/web/specifiers.py, namespace_exports), so the namespace holds exactly the
// installed plugins' modules. This file is what a plain file server or Node sees: nothing.
export {}
