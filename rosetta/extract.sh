#!/usr/bin/env bash
# Compiles every TypeScript sample of the README and of API.md's examples against the compiled package (fixtures
# beside this file), in a directory where cdk-irsa, its peers and Node's types resolve as in an app: a quick start
# reads a file. The directory is inside node_modules, which no tool of the repository walks (the link back to the
# repository would loop). test/docs-samples.test.ts compiles docs/ the same way, with the same packages.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=node_modules/.cache/rosetta-compile
rm -rf "$dir"
mkdir -p "$dir/node_modules/@types"
ln -s "$PWD" "$dir/node_modules/cdk-irsa"
for package in aws-cdk-lib constructs cdk8s cdk8s-plus-27 @types/node; do
  ln -s "$PWD/node_modules/$package" "$dir/node_modules/$package"
done
exec jsii-rosetta extract --strict --directory "$dir"
