#!/usr/bin/env bash
# Scaffolds a per-document stage crate: crates/NAME from scripts/stage-template,
# its line in [workspace.dependencies], the pipeline's dependency on it, and its
# registry entry. Usage: scripts/new-stage.sh NAME   (NAME: lowercase, a-z0-9_)
set -euo pipefail
name=${1:-}
if [[ ! $name =~ ^[a-z][a-z0-9_]*$ ]]; then
  echo "usage: $0 NAME   (NAME: lowercase letters, digits and _, starting with a letter)" >&2
  exit 1
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [[ -e crates/$name ]]; then
  echo "crates/$name already exists: pick another name" >&2
  exit 1
fi
type=$(echo "$name" | awk -F_ '{for (i = 1; i <= NF; i++) printf "%s", toupper(substr($i, 1, 1)) substr($i, 2)}')
crate="crimefacts-$name"

mkdir -p "crates/$name/src"
for template in Cargo.toml src/lib.rs; do
  sed -e "s/{{name}}/$name/g" -e "s/{{Type}}/$type/g" "scripts/stage-template/$template.in" > "crates/$name/$template"
done

insert_before() { # file marker line
  local file=$1 marker=$2 line=$3
  grep -qF "$marker" "$file" || { echo "marker '$marker' missing in $file" >&2; exit 1; }
  awk -v marker="$marker" -v line="$line" 'index($0, marker) { print line } { print }' "$file" > "$file.new"
  mv "$file.new" "$file"
}
insert_before Cargo.toml "# new-stage: internal crates above this line" "$crate = { path = \"crates/$name\" }"
insert_before crates/pipeline/Cargo.toml "# new-stage: stage crates above this line" "$crate.workspace = true"
insert_before crates/pipeline/src/registry.rs "// new-stage: entries are added above this line" \
  "    StageEntry { name: \"$name\", build: |options| Ok(Box::new(${crate//-/_}::$type::new(options)?)), learns_from_corpus: false },"

echo "created crates/$name ($crate, stage type $type) and registered it."
echo "next: write the stage in crates/$name/src/lib.rs, then add \"$name\" to 'stages' in a pipelines/*.toml"
