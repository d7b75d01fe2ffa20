/** Runnable examples now; the JMH benchmarks against java.nio and Netty land with the bench issue. */
module dev.pollux.bench {
    requires dev.pollux;
    requires jdk.management;
}
