#!/bin/sh
# Re-assembles every .wat here (and the main hello.wat) with wat2wasm from Debian's wabt package.
set -eu
cd "$(dirname "$0")"
for f in *.wat ../../../../../../main/resources/dev/writ/sandbox/hello.wat; do
  wat2wasm "$f" -o "${f%.wat}.wasm"
done
