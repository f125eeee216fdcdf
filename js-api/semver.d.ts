/**
 * `oro:semver` — Oro's semantic versions as npm's `semver` package (node-semver) answers them.
 * @module oro:semver
 */

/** `loose`, or options: `loose` accepts `=1.2.3`, `1.2.3beta`...; `includePrerelease` lets ranges match prereleases. */
export type Options = boolean | { loose?: boolean, includePrerelease?: boolean, rtl?: boolean }
export type ReleaseType = 'major' | 'premajor' | 'minor' | 'preminor' | 'patch' | 'prepatch' | 'prerelease' | 'release'
export type Operator = '===' | '!==' | '' | '=' | '==' | '!=' | '>' | '>=' | '<' | '<='

/** A parsed version; the constructor throws `TypeError` (`Invalid Version: x`) on an invalid one. */
export class SemVer {
  constructor (version: string | SemVer, options?: Options)
  raw: string
  loose: boolean
  options: Options
  major: number
  minor: number
  patch: number
  /** Numeric parts are numbers: `1.0.0-beta.2` → `['beta', 2]`. */
  prerelease: ReadonlyArray<string | number>
  build: readonly string[]
  /** The canonical form, without build metadata. */
  version: string
  format (): string
  toString (): string
  compare (other: string | SemVer): -1 | 0 | 1
  compareMain (other: string | SemVer): -1 | 0 | 1
  comparePre (other: string | SemVer): -1 | 0 | 1
  compareBuild (other: string | SemVer): -1 | 0 | 1
  inc (release: ReleaseType, identifier?: string, identifierBase?: '0' | '1' | false): SemVer
}

/** One comparator of a range (`>=1.2.3`). */
export class Comparator {
  constructor (comp: string | Comparator, options?: Options)
  semver: SemVer
  operator: '' | '=' | '<' | '>' | '<=' | '>='
  value: string
  test (version: string | SemVer): boolean
  intersects (comp: Comparator, options?: Options): boolean
}

/** A range (`^1.2.3 || 2.x`); the constructor throws `TypeError` (`Invalid comparator: x`) on an invalid one. */
export class Range {
  constructor (range: string | Range, options?: Options)
  raw: string
  range: string
  set: ReadonlyArray<readonly Comparator[]>
  format (): string
  toString (): string
  test (version: string | SemVer): boolean
  intersects (range: Range, options?: Options): boolean
}

/** The version, or `null` when it is not one. */
export function parse (version: string | SemVer | null | undefined, options?: Options, throwErrors?: boolean): SemVer | null
/** The canonical version string, or `null`. */
export function valid (version: string | SemVer | null | undefined, options?: Options): string | null
/** `valid` after trimming spaces and a leading `=` or `v`. */
export function clean (version: string, options?: Options): string | null
/** The next version of that release type, or `null` when `version` is invalid. */
export function inc (version: string | SemVer, release: ReleaseType, optionsOrIdentifier?: Options | string, identifier?: string, identifierBase?: '0' | '1' | false): string | null
export function diff (a: string | SemVer, b: string | SemVer): ReleaseType | null
export function major (version: string | SemVer, options?: Options): number
export function minor (version: string | SemVer, options?: Options): number
export function patch (version: string | SemVer, options?: Options): number
/** The prerelease parts, or `null` when there are none. */
export function prerelease (version: string | SemVer, options?: Options): ReadonlyArray<string | number> | null
/** Throws `TypeError` on an invalid version. */
export function compare (a: string | SemVer, b: string | SemVer, options?: Options): -1 | 0 | 1
export function rcompare (a: string | SemVer, b: string | SemVer, options?: Options): -1 | 0 | 1
export function compareLoose (a: string | SemVer, b: string | SemVer): -1 | 0 | 1
export function compareBuild (a: string | SemVer, b: string | SemVer, options?: Options): -1 | 0 | 1
export function sort<T extends string | SemVer> (list: T[], options?: Options): T[]
export function rsort<T extends string | SemVer> (list: T[], options?: Options): T[]
export function gt (a: string | SemVer, b: string | SemVer, options?: Options): boolean
export function lt (a: string | SemVer, b: string | SemVer, options?: Options): boolean
export function eq (a: string | SemVer, b: string | SemVer, options?: Options): boolean
export function neq (a: string | SemVer, b: string | SemVer, options?: Options): boolean
export function gte (a: string | SemVer, b: string | SemVer, options?: Options): boolean
export function lte (a: string | SemVer, b: string | SemVer, options?: Options): boolean
export function cmp (a: string | SemVer, operator: Operator, b: string | SemVer, options?: Options): boolean
/** The first version-like run of `version` (`v2` → `2.0.0`), or `null`. */
export function coerce (version: string | number | SemVer | null | undefined, options?: { loose?: boolean, includePrerelease?: boolean, rtl?: boolean }): SemVer | null
export function truncate (version: string | SemVer, release: ReleaseType, options?: Options): string | null
/** `false` (never an exception) when the version or the range is invalid. */
export function satisfies (version: string | SemVer, range: string | Range, options?: Options): boolean
export function toComparators (range: string | Range, options?: Options): string[][]
export function maxSatisfying<T extends string | SemVer> (versions: readonly T[], range: string | Range, options?: Options): T | null
export function minSatisfying<T extends string | SemVer> (versions: readonly T[], range: string | Range, options?: Options): T | null
export function minVersion (range: string | Range, options?: Options): SemVer | null
/** The range in comparator form (`^1.2.3` → `>=1.2.3 <2.0.0-0`), or `null` when invalid. */
export function validRange (range: string | Range | null | undefined, options?: Options): string | null
export function outside (version: string | SemVer, range: string | Range, hilo: '>' | '<', options?: Options): boolean
export function gtr (version: string | SemVer, range: string | Range, options?: Options): boolean
export function ltr (version: string | SemVer, range: string | Range, options?: Options): boolean
export function intersects (a: string | Range, b: string | Range, options?: Options): boolean
export function simplifyRange (versions: readonly string[], range: string | Range, options?: Options): string | Range
export function subset (sub: string | Range, dom: string | Range, options?: Options): boolean
export function compareIdentifiers (a: string | number, b: string | number): -1 | 0 | 1
export function rcompareIdentifiers (a: string | number, b: string | number): -1 | 0 | 1
/** node-semver's regular expressions, their sources and their indexes by token name. */
export const re: readonly RegExp[]
export const src: readonly string[]
export const tokens: Readonly<Record<string, number>>
export const SEMVER_SPEC_VERSION: '2.0.0'
export const RELEASE_TYPES: readonly ReleaseType[]

declare const semver: {
  parse: typeof parse, valid: typeof valid, clean: typeof clean, inc: typeof inc, diff: typeof diff,
  major: typeof major, minor: typeof minor, patch: typeof patch, prerelease: typeof prerelease,
  compare: typeof compare, rcompare: typeof rcompare, compareLoose: typeof compareLoose,
  compareBuild: typeof compareBuild, sort: typeof sort, rsort: typeof rsort, gt: typeof gt,
  lt: typeof lt, eq: typeof eq, neq: typeof neq, gte: typeof gte, lte: typeof lte, cmp: typeof cmp,
  coerce: typeof coerce, truncate: typeof truncate, Comparator: typeof Comparator,
  Range: typeof Range, satisfies: typeof satisfies, toComparators: typeof toComparators,
  maxSatisfying: typeof maxSatisfying, minSatisfying: typeof minSatisfying,
  minVersion: typeof minVersion, validRange: typeof validRange, outside: typeof outside,
  gtr: typeof gtr, ltr: typeof ltr, intersects: typeof intersects,
  simplifyRange: typeof simplifyRange, subset: typeof subset, SemVer: typeof SemVer,
  re: typeof re, src: typeof src, tokens: typeof tokens,
  SEMVER_SPEC_VERSION: typeof SEMVER_SPEC_VERSION, RELEASE_TYPES: typeof RELEASE_TYPES,
  compareIdentifiers: typeof compareIdentifiers, rcompareIdentifiers: typeof rcompareIdentifiers
}
export default semver
