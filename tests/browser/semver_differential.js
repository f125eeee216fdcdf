// The differential script of test_modules_semver_toml.py: a function body run under `node` with
// the npm semver package and in a page with oro:semver (`semver` in scope, `input` holding
// `versions` and `ranges`). It returns JSON: every answer, errors as [name, message].
const attempt = (work) => {
  try { return work() } catch (e) { return { error: [e.name, e.message] } }
}
const plain = (v) => v && {
  version: v.version, major: v.major, minor: v.minor, patch: v.patch,
  prerelease: v.prerelease, build: v.build
}
const { versions, ranges } = input
const valid = versions.filter((version) => semver.valid(version))
return {
  versions: versions.map((version) => ({
    valid: [semver.valid(version), semver.valid(version, true), semver.clean(version)],
    parse: plain(semver.parse(version)),
    coerce: [
      plain(semver.coerce(version)),
      semver.coerce(version, { rtl: true })?.version ?? null,
      semver.coerce(version, { includePrerelease: true })?.version ?? null
    ],
    parts: ['major', 'minor', 'patch', 'prerelease']
      .map((name) => attempt(() => semver[name](version))),
    inc: semver.RELEASE_TYPES.map((release) => [
      semver.inc(version, release), semver.inc(version, release, 'beta')
    ]),
    compare: versions.map((other) => attempt(() => [
      semver.compare(version, other), semver.gt(version, other), semver.lte(version, other),
      semver.compareBuild(version, other)
    ])),
    diff: versions.map((other) => attempt(() => semver.diff(version, other))),
    satisfies: ranges.map((range) => [
      semver.satisfies(version, range),
      semver.satisfies(version, range, { includePrerelease: true }),
      semver.satisfies(version, range, true)
    ])
  })),
  ranges: ranges.map((range) => ({
    valid: semver.validRange(range),
    range: attempt(() => new semver.Range(range).range),
    min: attempt(() => semver.minVersion(range)?.version ?? null),
    max: semver.maxSatisfying(valid, range),
    least: semver.minSatisfying(valid, range),
    outside: valid.map((version) => attempt(() => [
      semver.gtr(version, range), semver.ltr(version, range)
    ])),
    intersects: ranges.map((other) => attempt(() => semver.intersects(range, other))),
    subset: ranges.map((other) => attempt(() => semver.subset(range, other)))
  })),
  sorted: [semver.sort([...valid]), semver.rsort([...valid])]
}
