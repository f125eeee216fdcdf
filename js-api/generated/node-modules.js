// The Node modules served as another module than Oro's of their name, for `require()`: the
// host answers /oro/generated/node-modules.js with one `export * as <name> from '<url>'` line
// per such module (oro_framework/web/specifiers.py, node_elsewhere_exports): `zlib` is
// `oro:zlib/node`. This file is what a plain file server or Node sees: nothing.
export {}
