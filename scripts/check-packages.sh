#!/usr/bin/env bash
# Checks the packages `dotnet pack` wrote to <dir> are ones people can trust (.ci/run calls it):
# for every .nupkg, the nuspec names the repository (an https URL, and the commit when this checkout is a
# git repository), the package's README is its own (headed with its id, not the repository README) and
# has only absolute links, a .snupkg sits beside it, and neither the DLLs nor the PDBs carry the
# checkout's path (built with CI=true, i.e. ContinuousIntegrationBuild, they say /_/ instead).
# Usage: bash scripts/check-packages.sh <dir>
set -euo pipefail
dir=${1:?usage: scripts/check-packages.sh <directory with the .nupkg files>}
root=$(cd "$(dirname "$0")/.." && pwd)
# A package is a zip: unzip, or Python's zipfile where unzip is missing.
if command -v unzip >/dev/null; then
  extract() { unzip -q "$1" -d "$2"; }
elif command -v python3 >/dev/null; then
  extract() { python3 -m zipfile -e "$1" "$2"; }
else
  echo "check-packages: needs unzip or python3 (apt-get install unzip)" >&2
  exit 2
fi

commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || true)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shopt -s nullglob
packages=("$dir"/*.nupkg)
[ ${#packages[@]} -gt 0 ] || { echo "check-packages: no .nupkg in $dir" >&2; exit 1; }

failures=0
fail() { echo "check-packages: $1: $2" >&2; failures=$((failures + 1)); }

# Absolute build paths: the checkout's path anywhere in a binary. A portable PDB stores document names
# split at '/', so the contiguous path shows in its Source Link map and the DLL's PDB path, which the
# same path map rewrites; the Source Link check below covers the documents.
no_build_path() { # package file...
  local package=$1 file; shift
  for file in "$@"; do
    if grep -a -q -F "$root/" "$file"; then
      fail "$package" "${file#"$work"/*/*/} contains the build path $root/ (pack with CI=true: ContinuousIntegrationBuild)"
    fi
  done
}

for nupkg in "${packages[@]}"; do
  name=$(basename "$nupkg" .nupkg) before=$failures
  pkg="$work/$name/nupkg" sym="$work/$name/snupkg"
  mkdir -p "$pkg" "$sym"
  extract "$nupkg" "$pkg"
  nuspecs=("$pkg"/*.nuspec)
  nuspec=${nuspecs[0]}
  id=$(sed -n 's:.*<id>\(.*\)</id>.*:\1:p' "$nuspec")

  # The repository: URL always, commit when it can be known.
  repository=$(grep -o '<repository [^>]*>' "$nuspec" || true)
  url=$(sed -n 's/.* url="\([^"]*\)".*/\1/p' <<<"$repository")
  web=${url%.git}
  [[ $url == https://* ]] || fail "$name" "the nuspec has no repository with an https URL: '${repository}'"
  if [ -n "$commit" ] && ! grep -q " commit=\"$commit\"" <<<"$repository"; then
    fail "$name" "the nuspec's repository does not name the commit $commit: '${repository}'"
  fi

  # The README: the package's own, linking absolutely (a relative link breaks on a package page).
  readme=$(sed -n 's:.*<readme>\(.*\)</readme>.*:\1:p' "$nuspec")
  if [ -z "$readme" ] || [ ! -f "$pkg/$readme" ]; then
    fail "$name" "the nuspec names no readme, or the package lacks it ('$readme')"
  else
    readme="$pkg/$readme"
    if cmp -s "$readme" "$root/README.md" || [ "$(head -n 1 "$readme" | tr -d '\r')" != "# $id" ]; then
      fail "$name" "the README is not the package's own (it must start with '# $id')"
    fi
    relative=$( { grep -o '\]([^)]*)' "$readme" | sed 's/^](\(.*\))$/\1/'
                  grep -o '^\[[^]]*\]: *[^ ]*' "$readme" | sed 's/^\[[^]]*\]: *//'
                  grep -o -E '(href|src)="[^"]*"' "$readme" | sed -E 's/^(href|src)="(.*)"$/\2/'
                } | grep -v -E '^(https://|mailto:)' || true)
    [ -z "$relative" ] || fail "$name" "the README has links that are not absolute: $(tr '\n' ' ' <<<"$relative")"
    if [ -n "$url" ] && ! grep -q -F "]($web" "$readme"; then
      fail "$name" "the README does not link to the repository $web"
    fi
  fi

  # Symbols: a .snupkg beside it, its PDBs mapped by Source Link to the repository at that commit.
  snupkg="$dir/$name.snupkg"
  if [ ! -f "$snupkg" ]; then
    fail "$name" "no symbol package $name.snupkg beside it"
  else
    extract "$snupkg" "$sym"
    pdbs=("$sym"/lib/*/*.pdb)
    [ ${#pdbs[@]} -gt 0 ] || fail "$name" "the symbol package holds no PDB"
    for pdb in "${pdbs[@]}"; do
      map=$(grep -a -o '{"documents":{[^}]*}}' "$pdb" || true)
      if [[ $map != *'"/_/*":"https://'* ]] || { [ -n "$commit" ] && [[ $map != *"/$commit/"* ]]; }; then
        fail "$name" "${pdb##*/} has no Source Link map from /_/ to the repository at ${commit:-its commit}: '${map}'"
      fi
    done
    no_build_path "$name" "${pdbs[@]}"
  fi
  no_build_path "$name" "$pkg"/lib/*/*.dll
  [ "$failures" -gt "$before" ] ||
    echo "check-packages: $name: repository ${url:-none}${commit:+ @ ${commit:0:12}}, own README, symbols"
done

if [ "$failures" -gt 0 ]; then
  echo "check-packages: $failures problem(s) in ${#packages[@]} package(s)" >&2
  exit 1
fi
echo "check-packages: ${#packages[@]} package(s) OK"
