#!/usr/bin/env bash
# Runs SecureFlow locally: the whole chain and the Aspire dashboard.
set -euo pipefail
cd "$(dirname "$0")"
bash eng/prerequisites.sh

exec dotnet run --project SecureFlow.AppHost "$@"
