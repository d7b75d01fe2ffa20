# Sourced by scripts/bench.sh and scripts/trace.sh: sets $java to the JDK 25 that ./mvnw builds
# with (.mvn/find-jdk.sh's choice), in a subshell so that its shell options do not leak.
java=$( (set +u; . .mvn/find-jdk.sh && echo "$JAVA_HOME/bin/java") )
