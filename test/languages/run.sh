#!/usr/bin/env bash
# Builds cdk-irsa for Python, Java and Go with jsii-pacmak, runs each language's CDK app (test/languages/<language>)
# against the package it built, lints every synthesized template with cfn-lint, type-checks src against the lowest
# aws-cdk-lib the peer range admits, and prints the time each part took. Fails on the first part that fails.
#
#   test/languages/run.sh                 # all parts: python java go cfn-lint floor
#   test/languages/run.sh python go       # some of them
#
# Needs the compiled assembly (.jsii; `npx projen compile`), Python 3.10+ with venv, a JDK 17 with Maven, and Go.
# Everything else comes from the registries, at the versions pinned in the files this script names.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(python java go cfn-lint floor)

# Everything the tools put in a temporary directory goes into one that is removed however the script ends: the jsii
# runtimes of Java and Go, for one, unpack their kernel into one and leave it there.
run_tmp=$(mktemp -d)
trap 'rm -rf "$run_tmp"' EXIT
export TMPDIR=$run_tmp

if [ ! -f .jsii ]; then
  echo "No .jsii in $root: run 'npx projen compile' first." >&2
  exit 1
fi

part_python() {
  npx projen package:python
  local app=test/languages/python
  [ -x $app/.venv/bin/python ] || python3 -m venv $app/.venv
  # The wheel's version never changes (0.0.0), so pip would keep a stale one.
  $app/.venv/bin/pip uninstall --quiet --yes cdk-irsa >/dev/null 2>&1 || true
  $app/.venv/bin/pip install --quiet --disable-pip-version-check -r $app/requirements.txt dist/python/cdk_irsa-*.whl
  $app/.venv/bin/pip check
  (cd $app && PYTHONDONTWRITEBYTECODE=1 .venv/bin/python -m pytest -p no:cacheprovider -v test_app.py)
}

part_java() {
  # Also builds cdk8s-plus-27's Java binding, which the registry does not serve here (see .projenrc.ts).
  npx projen package:java
  # A local repository of the app's own (under target/, so the machine's ~/.m2 is left alone). Maven never looks
  # again for what it once copied there from a file repository, and these two are rebuilt with unchanged versions.
  local repo=$root/test/languages/java/target/m2
  rm -rf "$repo/io/github/example/cdk-irsa" "$repo/org/cdk8s/cdk8s-plus-27"
  (cd test/languages/java && mvn -B -ntp -Dmaven.repo.local="$repo" -DargLine="-Djava.io.tmpdir=$TMPDIR" test)
}

part_go() {
  # Also builds cdk8s's and cdk8s-plus-27's Go modules, which the registry does not serve here (see .projenrc.ts).
  npx projen package:go
  # -mod=readonly: go.mod and go.sum are committed and must already be complete.
  (cd test/languages/go && go test -mod=readonly -count=1 -v ./...)
}

part_cfn_lint() {
  local lint=test/cfn-lint
  [ -x $lint/.venv/bin/python ] || python3 -m venv $lint/.venv
  $lint/.venv/bin/pip install --quiet --disable-pip-version-check -r $lint/requirements.txt
  (cd examples && npx cdk synth --quiet)
  rm -rf $lint/cdk.out
  npx ts-node --transpile-only $lint/token-issuer.ts $lint/cdk.out
  local templates=(
    examples/cdk.out/IrsaExample.template.json
    test/languages/python/cdk.out/IrsaPython.template.json
    test/languages/java/cdk.out/IrsaJava.template.json
    test/languages/go/cdk.out/IrsaGo.template.json
    $lint/cdk.out/IrsaTokenIssuer.template.json
  )
  for t in "${templates[@]}"; do
    [ -f "$t" ] || { echo "Missing $t: run the part that synthesizes it first." >&2; exit 1; }
  done
  local cfn_lint=($lint/.venv/bin/cfn-lint --config-file $lint/.cfnlintrc.yaml --non-zero-exit-code warning)
  "${cfn_lint[@]}" --version
  "${cfn_lint[@]}" -- "${templates[@]}"
  echo "cfn-lint: no errors or warnings in ${#templates[@]} templates"

  # The linter must be able to fail: a copy of a template with a role IAM would reject has to be an error.
  local canary out status=0
  canary=$(mktemp -d)
  python3 - "${templates[0]}" "$canary/broken.template.json" <<'EOF'
import json, sys
template = json.load(open(sys.argv[1]))
# The example has several roles; break the first by logical ID, so the canary is the same on every run.
role = next(template["Resources"][k] for k in sorted(template["Resources"]) if template["Resources"][k]["Type"] == "AWS::IAM::Role")
role["Properties"]["MaxSessionDuration"] = 1800
json.dump(template, open(sys.argv[2], "w"))
EOF
  out=$("${cfn_lint[@]}" -- "$canary/broken.template.json" 2>&1) || status=$?
  rm -rf "$canary"
  if [ $status -eq 0 ] || [[ $out != *"1800 is less than the minimum of 3600"* ]]; then
    printf 'cfn-lint did not reject a role with MaxSessionDuration 1800 (exit %s):\n%s\n' "$status" "$out" >&2
    exit 1
  fi
  echo "cfn-lint: rejects a copy whose role has MaxSessionDuration 1800, as it should"
}

part_floor() {
  # package.json admits aws-cdk-lib ^2.263.0 while the tests run on 2.276.0: src must compile against the floor.
  (cd test/aws-cdk-lib-floor && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  npx tsc -p test/aws-cdk-lib-floor/tsconfig.json
  echo "src type-checks against aws-cdk-lib $(node -p 'require("./test/aws-cdk-lib-floor/node_modules/aws-cdk-lib/package.json").version')"
}

summary=()
for part in "${parts[@]}"; do
  case $part in
    python | java | go | cfn-lint | floor) ;;
    *) echo "Unknown part '$part' (python, java, go, cfn-lint, floor)" >&2; exit 2 ;;
  esac
  echo "=== $part"
  start=$SECONDS
  "part_${part//-/_}"
  took=$((SECONDS - start))
  summary+=("$(printf '%-9s %3dm%02ds' "$part" $((took / 60)) $((took % 60)))")
  echo "=== $part passed in ${took}s"
done

echo "=== languages and cfn-lint: all passed"
printf '    %s\n' "${summary[@]}"
