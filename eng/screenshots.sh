#!/usr/bin/env bash
# Regenerates the README's pictures (docs/images/*.png): the browser tests run the real AppHost with its dashboard and
# save their screenshots there as well as under the test output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/prerequisites.sh
dotnet build tests/SecureFlow.Browser.Tests --nologo -v quiet
SECUREFLOW_SCREENSHOTS="$PWD/docs/images" dotnet test --project tests/SecureFlow.Browser.Tests --no-build
