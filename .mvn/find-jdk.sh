# Sourced by ./mvnw before it starts Maven: Pollux builds with Java 25 (--release 25, the FFM API)
# and Maven itself must run on that JDK, because plugins such as the jar packer use the running
# JDK's tools on Java 25 class files. Keeps JAVA_HOME when it already points to a JDK 25 or newer;
# otherwise picks the newest JDK >= 25 from the usual install locations; otherwise stops with a
# message that says what to install.
pollux_required_jdk=25

pollux_jdk_major() { # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -f "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
}

pollux_find_jdk() {
  if [ -n "${JAVA_HOME-}" ]; then
    major=$(pollux_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$pollux_required_jdk" ]; then
      return 0
    fi
  fi
  best_home=
  best_major=0
  set +f # mvnw runs with globbing off
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "${HOME-}"/.sdkman/candidates/java/* \
      "${HOME-}"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] || continue
    major=$(pollux_jdk_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$pollux_required_jdk" ] && [ "$major" -gt "$best_major" ]; then
      best_home=$candidate
      best_major=$major
    fi
  done
  set -f
  if [ -z "$best_home" ]; then
    {
      echo "Pollux needs a JDK $pollux_required_jdk or newer to build, and none was found."
      echo "  JAVA_HOME: ${JAVA_HOME:-(not set)}"
      echo "  searched:  /usr/lib/jvm, /usr/java, /opt/java, ~/.sdkman, ~/.jdks, /Library/Java/JavaVirtualMachines"
      echo "Install a JDK $pollux_required_jdk (for example Eclipse Temurin 25, or your distribution's openjdk-25-jdk)"
      echo "and set JAVA_HOME to it, then run ./mvnw again."
    } >&2
    exit 1
  fi
  JAVA_HOME=$best_home
  export JAVA_HOME
}

pollux_find_jdk
