#!/usr/bin/env bash
# Builds the esbuild bundles (npm run build) and zips each dist/<fn>/{*.js,*.js.map,package.json}
# (index.js plus any lazily loaded part such as health's deep.js)
# into dist/zip/<fn>.zip, the source Cloud Functions builds from. Files get a fixed timestamp so the
# same bundle gives the same zip: Terraform names the uploaded object by the zip's hash and redeploys
# only when the bundle changed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${root}/dist/zip"
functions=(rebalance snapshot health)

command -v zip >/dev/null || { echo "package-functions: 'zip' is not installed (apt-get install zip / brew install zip)" >&2; exit 1; }

if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  (cd "$root" && npm run build)
fi

mkdir -p "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

for fn in "${functions[@]}"; do
  src="${root}/dist/${fn}"
  for file in index.js index.js.map package.json; do
    [[ -f "${src}/${file}" ]] || { echo "package-functions: missing ${src}/${file}; did the build fail?" >&2; exit 1; }
  done
  mkdir -p "${stage}/${fn}"
  cp "${src}"/*.js "${src}"/*.js.map "${src}/package.json" "${stage}/${fn}/"
  touch -t 198001010000 "${stage}/${fn}"/*
  rm -f "${out}/${fn}.zip"
  (cd "${stage}/${fn}" && TZ=UTC zip -q -X "${out}/${fn}.zip" ./*.js ./*.js.map package.json)
  echo "dist/zip/${fn}.zip"
done
