# Debian packages Writ uses for real, installed only when absent and only as root.
# writ_need_packages CALLER CMD:PACKAGE... installs the packages whose command is missing.
# A CMD that starts with / is a file to test instead of a command.
writ_need_packages() {
  local caller="$1"
  shift
  local need=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"
    pkg="${pair#*:}"
    if [ "${cmd#/}" != "$cmd" ]; then
      [ -e "$cmd" ] || need+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
    fi
  done
  [ ${#need[@]} -eq 0 ] && return 0
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [ "$(id -u)" != 0 ]; then
    echo "$caller: missing Debian packages: ${need[*]}; run as root or install them" >&2
    return 1
  fi
  echo "$caller: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
}

# What the quickstart's host needs: a software TPM and the tools that drive it.
WRIT_QUICKSTART_PACKAGES=(swtpm:swtpm swtpm_setup:swtpm-tools tpm2_quote:tpm2-tools)
