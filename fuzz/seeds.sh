#!/usr/bin/env bash
# Makes the seed corpora of the fuzz targets from the repository, into fuzz/corpus/TARGET/
# (generated, not committed): every .isms file of the repository, every fixture and the
# examples of the documentation for `parse`, `check` and `fmt`; every project folder (examples,
# fixtures) encoded as entries of `project_fs`; OSCAL catalogs for `import_oscal`. A seed is
# named by the SHA-1 of its content, so running the script again adds nothing twice.
#
# Usage: fuzz/seeds.sh [TARGET...]   (default: every target)
set -euo pipefail
# The first line of a listing is taken with `sed -n 1p`, never `head -n 1`: head exits after
# one line, and under pipefail the writer's SIGPIPE would end the script without a word.
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fuzz/corpus"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse check import_oscal project_fs fmt)

# Copies stdin into the corpus of a target, named by its hash.
seed() {
  local tmp
  tmp="$(mktemp)"
  cat > "$tmp"
  if [ -s "$tmp" ]; then
    mkdir -p "$out/$1"
    mv "$tmp" "$out/$1/$(sha1sum "$tmp" | cut -c1-40)"
  else
    rm -f "$tmp"
  fi
}

# Every .isms file of the repository (links and build outputs left out).
isms_files() {
  find "$root" \( -path "$root/target" -o -path "$root/fuzz" -o -path "$root/.git" \
    -o -name node_modules -o -name dist \) -prune -o -type f -name '*.isms' -print | sort
}

# The ```isms blocks of the documentation.
doc_examples() {
  find "$root/docs" "$root/README.md" -name '*.md' -print0 | sort -z | while IFS= read -r -d '' md; do
    awk -v dir="$1" -v base="$(basename "$md" .md)" '
      /^```isms/ { inside = 1; n++; file = sprintf("%s/%s-%d.isms", dir, base, n); next }
      /^```/ && inside { inside = 0; close(file); next }
      inside { print > file }' "$md"
  done
}

# One entry of `project_fs`: kind, name index, content length (2 bytes, at most 4095), content.
entry() {
  local kind=$1 index=$2 file=$3 len
  len=$(head -c 4095 "$file" | wc -c)
  printf "\\x$(printf %02x "$kind")\\x$(printf %02x "$index")\\x$(printf %02x $((len / 256)))\\x$(printf %02x $((len % 256)))"
  head -c 4095 "$file"
}

# Project folders: the manifest as `isms.toml` (index 0), the first .isms files as
# `main.isms`, `b.isms`, `sub/c.isms`, `sub/deep/d.isms` (1-4), a markdown file as `policy.md`
# (5); then a few hostile variants of each: a link out of the project, a pipe, a sparse file.
project_dirs() {
  find "$root/examples" "$root/tests" -name isms.toml -not -path '*/target/*' -print | sort \
    | while read -r toml; do dirname "$toml"; done
}

project_seed() {
  local dir=$1 extra=$2 index=1 f
  {
    if [ -f "$dir/isms.toml" ] && [ ! -L "$dir/isms.toml" ]; then entry 0 0 "$dir/isms.toml"; fi
    while read -r f; do
      [ $index -le 4 ] || break
      entry 0 $index "$f"
      index=$((index + 1))
    done < <(find "$dir" -type f -name '*.isms' | sort)
    f="$(find "$dir" -type f -name '*.md' | sort | sed -n 1p)"
    if [ -n "$f" ]; then entry 0 5 "$f"; fi
    if [ -n "$extra" ]; then printf "$extra"; fi
  } | seed project_fs
}

for target in "${targets[@]}"; do
  case "$target" in
    parse | check | fmt)
      while read -r f; do seed "$target" < "$f"; done < <(isms_files)
      docs="$(mktemp -d)"
      doc_examples "$docs"
      for f in "$docs"/*.isms; do
        if [ -e "$f" ]; then seed "$target" < "$f"; fi
      done
      rm -rf "$docs"
      if [ "$target" = check ]; then
        # A manifest line: `#toml` then `[limits]` or `[lints]` settings, `;` for line breaks.
        first="$(isms_files | sed -n 1p)"
        { printf '#toml [limits];isms = "1 KiB";file = "10 B"\n'; cat "$first"; } | seed check
        { printf '#toml [lints];W0601 = "deny";E0102 = "allow"\n'; cat "$first"; } | seed check
      fi
      ;;
    import_oscal)
      for dir in "$root/../shared/data/oscal-content" "$root/tests"; do
        [ -d "$dir" ] || continue
        find "$dir" -name '*.json' -size -256k -print0 | sort -z | while IFS= read -r -d '' f; do
          if grep -q '"catalog"' "$f"; then seed import_oscal < "$f"; fi
        done
      done
      printf '%s' '{"catalog":{"uuid":"u","metadata":{"title":"Tiny","version":"1.0"},"groups":[{"id":"ac","title":"Access","controls":[{"id":"ac-1","title":"Policy","props":[{"name":"label","value":"AC-1"}],"controls":[{"id":"ac-1.1","title":"Enhancement"}]}]}],"controls":[{"id":"x-1","title":"Loose \"quoted\" \\ title"}]}}' | seed import_oscal
      printf '%s' '{"catalog":{"metadata":{"title":"\u202eRTL\u001b[2J","version":""},"groups":[{"groups":[{"controls":[{"id":"1","title":""}]}]}]}}' | seed import_oscal
      ;;
    project_fs)
      while read -r dir; do
        project_seed "$dir" ""
        # The same project with a link to the canary outside it, and a pipe.
        project_seed "$dir" '\x06\x02\x00\x01\x00\x07\x03\x00\x00'
        # With the manifest a link out of the project, and a sparse policy text.
        project_seed "$dir" '\x06\x00\x00\x01\x00\x0a\x05\x00\x00'
      done < <(project_dirs)
      ;;
    *)
      echo "unknown target \`$target\`: parse, check, import_oscal, project_fs or fmt" >&2
      exit 2
      ;;
  esac
  echo "seeds of $target: $(find "$out/$target" -type f | wc -l) in fuzz/corpus/$target"
done
