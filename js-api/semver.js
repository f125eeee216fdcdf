/**
 * `oro:semver` — Oro's semantic versions as npm's own `semver` package (node-semver, bundled
 * into `vendor/semver.js`) answers them, computed in the page: Oro's names (`parse`, `valid`,
 * `clean`, `compare`, `eq`/`neq`/`lt`/`lte`/`gt`/`gte`, `satisfies`, `validRange`, `major`,
 * `minor`, `patch`, `prerelease`, `inc`) and the rest of node-semver's (`coerce`, `diff`,
 * `sort`, `maxSatisfying`, `Range`, `SemVer`, ...). Oro asks its native `semver.*` routes
 * synchronously; the same answers need no host here.
 *
 * Where Oro's own build differs from node-semver, node-semver wins (what npm and package.json
 * ranges mean): `parse` answers a `SemVer` (numeric prerelease parts are numbers),
 * `validRange` node-semver's comparator form, and `major`/`minor`/`patch`/`compare` throw a
 * `TypeError` (`Invalid Version: x`) on an invalid version where Oro's `major` answers `NaN`.
 *
 * ```js
 * import semver from 'oro:semver'
 * semver.satisfies('1.2.3', '^1.0.0')        // true
 * semver.inc('1.2.3', 'prerelease', 'beta')  // '1.2.4-beta.0'
 * semver.coerce('v2')?.version               // '2.0.0'
 * ```
 * @module oro:semver
 */

export {
  default, parse, valid, clean, inc, diff, major, minor, patch, prerelease, compare, rcompare,
  compareLoose, compareBuild, sort, rsort, gt, lt, eq, neq, gte, lte, cmp, coerce, truncate,
  Comparator, Range, satisfies, toComparators, maxSatisfying, minSatisfying, minVersion,
  validRange, outside, gtr, ltr, intersects, simplifyRange, subset, SemVer, re, src, tokens,
  SEMVER_SPEC_VERSION, RELEASE_TYPES, compareIdentifiers, rcompareIdentifiers
} from './vendor/semver.js'
