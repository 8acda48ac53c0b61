#!/usr/bin/env bash
# Regenerates README.md's job-spec reference from the plugins' declarations
# (ReferenceDocsTests fails when it is stale).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product batchscore >/dev/null
.build/debug/batchscore plugins --markdown > /tmp/batchscore-reference.md
python3 - <<'PY'
readme = open("README.md").read()
begin = "<!-- BEGIN GENERATED REFERENCE: batchscore plugins --markdown -->\n"
end = "<!-- END GENERATED REFERENCE -->"
ref = open("/tmp/batchscore-reference.md").read()
i = readme.index(begin) + len(begin)
j = readme.index(end)
open("README.md", "w").write(readme[:i] + ref + readme[j:])
PY
echo "README.md reference updated"
