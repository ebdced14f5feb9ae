#!/usr/bin/env bash
# Packaging check, run by .ci/run after the tests (about two minutes here): from this clone,
#   1. `dotnet run -- scripts/quickstart.csx` at the repository root trains (one epoch, on the Release build);
#   2. `dotnet pack` makes the nabla tool and Nabla.Core (with symbols);
#   3. the tool installs into an empty folder's tool path, and in another empty folder
#      `nabla new demo && nabla demo.csx` trains on the MNIST the tool carries;
#   4. a two-line console program that references the packed Nabla.Core builds and runs.
# Restores here read only the packed folder and the local NuGet cache (a nuget.config that clears every other
# source), so a package named nabla elsewhere can never be installed instead, and nothing is downloaded.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/nabla-packaging.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
version=$(dotnet msbuild "$repo/Core/Core.csproj" -getProperty:Version)
step() { echo "== $*"; }
accuracy() { grep -oE 'test accuracy [0-9.]+%' "$1" | grep -oE '[0-9.]+' || true; }

step "dotnet run -- scripts/quickstart.csx --epochs 1 (repository root)"
(cd "$repo" && dotnet run -- --out "$work/quickstart-run" scripts/quickstart.csx --epochs 1) | tee "$work/quickstart.log"
awk -v a="$(accuracy "$work/quickstart.log")" 'BEGIN { exit !(a >= 90) }' || { echo "check: the quickstart did not reach 90% test accuracy" >&2; exit 1; }
# It ran the optimized Core: the launcher builds Release by default, Core included (not a Debug copy).
cmp -s "$repo/bin/Release/net10.0/Nabla.Core.dll" "$repo/Core/bin/Release/net10.0/Nabla.Core.dll" \
  || { echo "check: dotnet run at the root did not run the Release build of Core" >&2; exit 1; }

step "dotnet pack (Release) into $work/packages"
dotnet pack "$repo/Core/Core.csproj" -c Release -o "$work/packages" | grep -E 'Successfully created|error|warn' || true
dotnet pack "$repo/ScriptHost/ScriptHost.csproj" -c Release -o "$work/packages" | grep -E 'Successfully created|error|warn' || true
for package in "nabla.$version.nupkg" "nabla.$version.snupkg" "Nabla.Core.$version.nupkg" "Nabla.Core.$version.snupkg"; do
  [ -f "$work/packages/$package" ] || { echo "check: dotnet pack made no $package" >&2; ls "$work/packages" >&2; exit 1; }
done

# The cache copy of a package repacked under the same version would win over the new one: a private cache for what
# follows, fed from the packed folder and, for the dependencies, from the user's cache as a local folder source.
export NUGET_PACKAGES=$work/nuget-cache
cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="packed" value="$work/packages" />
    <add key="local-cache" value="$cache" />
  </packageSources>
</configuration>
CONFIG

step "dotnet tool install nabla --tool-path $work/tool"
(cd "$work" && dotnet tool install nabla --version "$version" --tool-path "$work/tool" --configfile "$work/nuget.config")
nabla=$work/tool/nabla

step "nabla new demo && nabla demo.csx --epochs 1 (an empty folder)"
mkdir "$work/empty" && cd "$work/empty"
"$nabla" new demo
"$nabla" demo.csx --epochs 1 | tee "$work/demo.log"
awk -v a="$(accuracy "$work/demo.log")" 'BEGIN { exit !(a >= 90) }' || { echo "check: nabla demo.csx did not reach 90% test accuracy" >&2; exit 1; }
run_json="$(ls -d runs/demo/*/ | head -1)run.json"
[ -f "$run_json" ] || { echo "check: nabla demo.csx left no run folder" >&2; exit 1; }
# Mnist.Load() read the copy the tool carries (beside nabla.dll in the tool store), not the repository's data/.
grep -q '\.store/nabla/.*/data/mnist/train-images' "$run_json" || { echo "check: the demo did not read the tool's MNIST:" >&2; grep -A5 datasets "$run_json" >&2; exit 1; }

step "nabla export of the demo's model"
model=$(ls runs/demo/*/model.safetensors | head -1)
"$nabla" export "$model" demo.onnx
[ "$(stat -c %s demo.onnx)" -gt 300000 ] || { echo "check: nabla export wrote no model (demo.onnx: $(stat -c %s demo.onnx 2>/dev/null) bytes)" >&2; exit 1; }

step "a two-line console program on the packed Nabla.Core"
mkdir "$work/console" && cd "$work/console"
cp "$work/nuget.config" .
cat > console.csproj <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="Nabla.Core" Version="$version" /></ItemGroup>
</Project>
PROJECT
# The program README.md shows (the csharp block after "can be two lines"), so the two never drift apart.
awk '/can be two lines/ { found = 1 } found && /^```$/ { exit } found && inside { print } found && /^```csharp$/ { inside = 1 }' \
  "$repo/README.md" > Program.cs
[ "$(wc -l < Program.cs)" = 2 ] || { echo "check: README.md's two-line program not found:" >&2; cat Program.cs >&2; exit 1; }
dotnet run | tee "$work/console.log"
grep -q '101,770' "$work/console.log" || { echo "check: the console program did not print the 101,770 parameters of a 784-128-10 MLP" >&2; exit 1; }

echo "check: packaging OK (nabla $version and Nabla.Core $version)"
