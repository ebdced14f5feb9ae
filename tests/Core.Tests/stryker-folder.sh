#!/usr/bin/env bash
# Mutation-tests Core folders with Stryker.NET, then prints the score per folder and every surviving mutant.
# Usage: [TESTS=FILTER] tests/Core.Tests/stryker-folder.sh FOLDER[,FOLDER…] [dotnet-stryker options]
#   e.g. stryker-folder.sh Layers        stryker-folder.sh Evaluation,Reporting,Training -c 2
#        TESTS='FullyQualifiedName~Nabla.Tests.Layers' stryker-folder.sh Layers   (only those tests: faster, a lower bound)
# The slow tests (MNIST learning runs, fuzzing, thread-count comparisons, killed-and-resumed processes) are left
# out: each mutant they cover would cost seconds, and faster tests cover the same code, so a score measured so is
# a lower bound. Reports go to StrykerOutput/FOLDER (ignored by git): open reports/mutation-report.html.
set -euo pipefail
cd "$(dirname "$0")"
[ $# -ge 1 ] || { echo "usage: stryker-folder.sh FOLDER[,FOLDER…] [dotnet-stryker options], e.g. Layers or Evaluation,Reporting,Training" >&2; exit 2; }
folders=$1; shift
mutate=()
for f in ${folders//,/ }; do
  [ -d "../../Core/$f" ] || { echo "stryker-folder.sh: no folder Core/$f" >&2; exit 2; }
  mutate+=(--mutate "**/$f/**/*.cs")
done
slow='FullyQualifiedName!~LearningTests&FullyQualifiedName!~FuzzTests&FullyQualifiedName!~ThreadCount&FullyQualifiedName!~Resume'
dotnet tool restore >/dev/null
filter="($slow)"; [ -z "${TESTS:-}" ] || filter="($TESTS)&$filter"
dotnet stryker "${mutate[@]}" --configuration Release --test-case-filter "$filter" \
  --output "StrykerOutput/${folders//,/+}" -r json -r html -r dots "$@"
python3 stryker_scores.py "StrykerOutput/${folders//,/+}/reports/mutation-report.json" --survivors
