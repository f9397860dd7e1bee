#!/usr/bin/env bash
# Runs SecureFlow locally: the whole chain and the Aspire dashboard.
set -euo pipefail
cd "$(dirname "$0")"
bash eng/prerequisites.sh

# Linux: the dashboard (a .NET process, OpenSSL underneath) trusts the developer certificate through SSL_CERT_DIR; the
# system's certificates stay trusted beside it.
if [ "$(uname -s)" = Linux ] && [ -d "$HOME/.aspnet/dev-certs/trust" ]; then
  system_certs="$(openssl version -d 2>/dev/null | sed -n 's/^OPENSSLDIR: "\(.*\)"$/\1/p')/certs"
  export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:${SSL_CERT_DIR:-$system_certs}"
fi

exec dotnet run --project SecureFlow.AppHost "$@"
