# Sourced by the project's scripts. Sets JAVA_HOME to a JDK 25 or stops with a clear message.
# Order: JAVA_HOME if it is a JDK 25, else the first /usr/lib/jvm/*25* that has javac.

writ_java_major() {
  # prints the feature version of the JDK at $1, or nothing
  local release="$1/release"
  [ -r "$release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

writ_find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(writ_java_major "$JAVA_HOME")" = "25" ]; then
    return 0
  fi
  local candidate
  for candidate in /usr/lib/jvm/*25*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(writ_java_major "$candidate")" = "25" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  {
    echo "writ: JDK 25 not found."
    echo "  Looked at JAVA_HOME (${JAVA_HOME:-unset}) and /usr/lib/jvm/*25*."
    echo "  Install a JDK 25 (for example the Temurin 25 JDK or Debian's openjdk-25-jdk)"
    echo "  under /usr/lib/jvm, or point JAVA_HOME at one."
  } >&2
  return 1
}
