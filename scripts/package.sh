#!/usr/bin/env bash
# Builds the Debian package redline_<version>_<arch>.deb with dpkg-buildpackage (debian/: debhelper
# does what Debian packages do: maintainer scripts from deb-systemd-helper, Depends from
# dpkg-shlibdeps, stripped binaries, compressed man pages, md5sums), from the release preset with
# Debian's hardening flags, in build/package (ccache makes a rebuild cheap). Runs lintian on it unless
# REDLINE_LINTIAN=0. Prints the path of the .deb as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

version=$(sed -n 's/^project(redline VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
changelog=$(dpkg-parsechangelog -S Version)
if [ "$version" != "$changelog" ]; then
  echo "package: CMakeLists.txt says $version but debian/changelog says $changelog; add a changelog entry (dch -v $version)" >&2
  exit 1
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
out="$root/build/deb"
mkdir -p "$out"
rm -f "$out"/redline_* "$out"/redline-dbgsym_*

# -b: binary only; -us -uc: unsigned. dpkg-buildpackage writes its results beside the source tree
# (".."); they are moved to build/deb at once.
parent=$(dirname "$root")
dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1 || {
  tail -50 "$out/build.log" >&2
  echo "package: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
  exit 1
}
for f in "$parent"/redline_"$version"_"$arch".{deb,buildinfo,changes} "$parent"/redline-dbgsym_"$version"_"$arch".deb; do
  [ -e "$f" ] && mv -f "$f" "$out/"
done
deb="$out/redline_${version}_${arch}.deb"
test -f "$deb"

if [ "${REDLINE_LINTIAN:-1}" != 0 ]; then
  # Errors and warnings fail the build (overrides, each with its reason, are in debian/).
  lintian --fail-on error,warning --display-info "$deb" >&2
fi
echo "$deb"
