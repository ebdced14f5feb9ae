#!/usr/bin/env python3
"""Per-folder mutation scores from a Stryker.NET JSON report (StrykerOutput/<time>/reports/mutation-report.json).

Score = (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's own definition; mutants that do
not compile and ignored ones do not count. Usage: python3 stryker_scores.py REPORT.json [--survivors]"""
import json, sys
from collections import defaultdict

report = json.load(open(sys.argv[1]))
counts = defaultdict(lambda: defaultdict(int))
survivors = []
for path, file in report["files"].items():
    parts = path.replace("\\", "/").split("/")
    folder = parts[parts.index("Core") + 1] if "Core" in parts else parts[-2]
    for m in file["mutants"]:
        counts[folder][m["status"]] += 1
        if m["status"] in ("Survived", "NoCoverage"):
            line = m["location"]["start"]["line"]
            survivors.append(f"{'/'.join(parts[parts.index('Core'):]) if 'Core' in parts else path}:{line}  {m['status']:10} "
                             f"{m['mutatorName']}: {m.get('replacement', '').strip()[:90]}")
print(f"{'folder':15}{'score':>8}{'killed':>8}{'timeout':>8}{'survived':>9}{'no cover':>9}{'compile err':>12}{'ignored':>8}")
for folder, c in sorted(counts.items()):
    detected = c["Killed"] + c["Timeout"]
    valid = detected + c["Survived"] + c["NoCoverage"]
    if valid == 0:
        continue
    print(f"{folder:15}{100 * detected / valid:7.1f}%{c['Killed']:8}{c['Timeout']:8}{c['Survived']:9}{c['NoCoverage']:9}"
          f"{c['CompileError']:12}{c['Ignored']:8}")
if "--survivors" in sys.argv:
    print("\n".join(sorted(survivors)))
