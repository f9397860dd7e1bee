#!/usr/bin/env bash
# Builds SecureFlow (warnings are errors) and runs every test; ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
bash eng/prerequisites.sh

dotnet build SecureFlow.sln --nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test --solution SecureFlow.sln --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Microsoft.Testing.Platform prints a summary per test assembly: "total: N", "failed: N", "succeeded: N".
passed=$(awk '$1 == "succeeded:" { sum += $2 } END { print sum + 0 }' "$log")
failed=$(awk '$1 == "failed:" { sum += $2 } END { print sum + 0 }' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
