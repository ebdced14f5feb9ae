#!/usr/bin/env bash
# Issue 12, must show 1, with real signals: a run killed with SIGKILL at 5 random moments (one of them while a checkpoint
# is being written) and resumed with nabla --resume each time ends with the weights of the uninterrupted run, bit for bit;
# no temporary file is left; every resume starts from the last complete checkpoint.
# Usage: tests/resume/kill-resume.sh [seed]   (builds the host in Release first; about a minute here)
set -euo pipefail
cd "$(dirname "$0")/../.."
seed=${1:-$RANDOM}
RANDOM=$seed
dotnet build ScriptHost -c Release -v q -nologo > /dev/null
nabla=(dotnet ScriptHost/bin/Release/net10.0/nabla.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(--seed 7 --checkpoint-steps 10 tests/resume/train.csx --epochs 6)
echo "random moments from seed $seed; run: nabla ${args[*]}"

"${nabla[@]}" --out "$work/whole" "${args[@]}" > "$work/whole.log" 2>&1
echo "uninterrupted: $(grep -c . "$work/whole/metrics.jsonl") epochs, $(tail -2 "$work/whole.log" | head -1)"

dir="$work/killed"
start() { "${nabla[@]}" "$@" > "$work/attempt.log" 2>&1 & pid=$!; }
start --out "$dir" "${args[@]}"
write_kill=$((1 + RANDOM % 5))
for kill in 1 2 3 4 5; do
  # Training has begun once the host prints the fit line (the moments before it are start-up, not the run).
  until grep -q '^fit:' "$work/attempt.log"; do kill -0 $pid 2>/dev/null || { echo "the run ended before kill $kill"; cat "$work/attempt.log"; exit 1; }; sleep 0.02; done
  if [ $kill = $write_kill ]; then
    while [ ! -e "$dir/checkpoint-1.safetensors.tmp" ]; do :; done   # a checkpoint is being written: now
    moment="during a checkpoint write"
  else
    delay=$(printf '0.%03d' $((RANDOM % 1000)))
    sleep "$(echo "$delay * 2" | bc)"
    moment="$(echo "$delay * 2" | bc) s into training"
  fi
  kill -KILL $pid
  wait $pid 2>/dev/null || true
  tmp=$(ls "$dir"/*.tmp 2>/dev/null | xargs -r -n1 basename || true)
  echo "kill $kill: SIGKILL $moment; run.json status: $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['status'])" "$dir/run.json")${tmp:+; partial checkpoint left: $tmp}"
  start --resume "$dir"
  # A Fit that resumes says so before its first epoch line; one that starts over prints an epoch line first.
  until grep -q 'resumes at\|had finished\|^epoch ' "$work/attempt.log"; do kill -0 $pid 2>/dev/null || break; sleep 0.02; done
  removed=$(grep -ho 'removed [0-9]* partial checkpoint' "$work/attempt.log" || true)
  echo "  ${removed:+$removed; }$(grep -h 'resumes at\|had finished' "$work/attempt.log" || echo 'no checkpoint yet: starts over')"
done
wait $pid
echo "final resume: exit $?, $(tail -2 "$work/attempt.log" | head -1)"

cmp "$work/whole/model.safetensors" "$dir/model.safetensors" && echo "model.safetensors: bit-identical to the uninterrupted run's ($(sha256sum < "$dir/model.safetensors" | cut -c1-16)…)"
diff <(sed 's/"seconds":[0-9.]*,//' "$work/whole/metrics.jsonl") <(sed 's/"seconds":[0-9.]*,//' "$dir/metrics.jsonl") && echo "metrics.jsonl: the same epochs and figures (timings aside)"
left=$(find "$dir" -name '*.tmp' | wc -l)
[ "$left" = 0 ] && echo "temporary files left: 0"
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print('run.json: status', m['status'] + ',', len(m['resumes']), 'resumes after', ', '.join(r['previous_status'] for r in m['resumes']))" "$dir/run.json"
[ "$left" = 0 ]
