#!/usr/bin/env bash
# Installs what SecureFlow needs beyond the .NET SDK, on Debian or Ubuntu: the edge's WAF engine and rules, and the tools
# the tests use as third-party judges. (The AppHost itself trusts the ASP.NET Core developer certificate the dashboard uses.)
set -euo pipefail

packages=(
  openssl sslscan                                     # TLS judges
  libmodsecurity3 modsecurity-crs                     # the edge's WAF: ModSecurity v3 and the OWASP CRS 3.3
  squid                                               # the local egress firewall (Azure Firewall's stand-in)
  python3-yaml nginx libnginx-mod-http-modsecurity    # WAF parity test: CRS corpus replay and the reference WAF
  chromium                                            # the browser tests (Playwright for .NET drives it; it downloads no browser)
)

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    echo "Install these packages with your package manager: ${missing[*]}" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Run as root, or install sudo, to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "Installing ${missing[*]} ..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

  # The AppHost runs its own Squid per run, on loopback ports from the model: the system proxy the package starts
  # (port 3128, Debian's default rules) is not wanted.
  if [[ " ${missing[*]} " == *" squid "* ]] && command -v systemctl >/dev/null && systemctl is-enabled --quiet squid 2>/dev/null; then
    $sudo systemctl disable --now squid >/dev/null 2>&1 || echo "Stop the system's squid service if you do not use it: systemctl disable --now squid" >&2
  fi
fi
