#!/usr/bin/env bash
# Regenerates OnnxSubset.g.cs from onnx_subset.proto with protoc from the Google.Protobuf.Tools package (the
# version pinned in Directory.Packages.props for Google.Protobuf). Run from anywhere; needs the .NET SDK.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(grep -o 'Include="Google.Protobuf" Version="[^"]*"' "$here/../../../Directory.Packages.props" | grep -o '[0-9][0-9.]*')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/tools.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageReference Include="Google.Protobuf.Tools" Version="$version" /></ItemGroup>
</Project>
PROJ
dotnet restore "$work/tools.csproj" --packages "$work/packages" >/dev/null
protoc=$(find "$work/packages/google.protobuf.tools" -path '*linux_x64/protoc' | head -1)
chmod +x "$protoc"
"$protoc" --proto_path="$here" --csharp_out="$here" --csharp_opt=internal_access,file_extension=.g.cs "$here/onnx_subset.proto"
echo "wrote $here/OnnxSubset.g.cs with $("$protoc" --version)"
