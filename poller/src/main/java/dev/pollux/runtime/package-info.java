/**
 * The Waker-driven executor: the reactor–executor pattern on top of {@link dev.pollux.Poll}.
 *
 * <ul>
 *   <li>{@link dev.pollux.runtime.Async} is the future: {@code poll(Context)} returns the result or
 *       {@link dev.pollux.runtime.Async#PENDING} after arranging a wake of the
 *       {@link dev.pollux.runtime.Context}'s {@link dev.pollux.runtime.TaskWaker}; combinators
 *       ({@code map}, {@code then}, {@code all}, {@code select}, {@code using}, {@code timeout}).
 *   <li>{@link dev.pollux.runtime.EventLoop}: one thread, one {@code Poll}; runs woken tasks,
 *       otherwise blocks in {@code Poll.poll} until I/O, the nearest timer or a cross-thread wake.
 *       {@link dev.pollux.runtime.EventLoopGroup}: one loop per core, with
 *       {@link dev.pollux.runtime.TcpServer} spreading connections ({@code SO_REUSEPORT} per loop on
 *       Linux, accept-and-hand-off elsewhere).
 *   <li>The reactor remembers readiness per registered source (edge-triggered, registered once) and
 *       clears it only when an operation returns would-block (or a stream read comes back short),
 *       so no edge is lost:
 *       {@link dev.pollux.runtime.AsyncStream} (TCP, Unix, pipes),
 *       {@link dev.pollux.runtime.AsyncTcpListener}, {@link dev.pollux.runtime.AsyncUdpSocket}.
 *   <li>{@link dev.pollux.runtime.Timers}: sleep, timeout, interval; a heap per loop, 1 ms resolution.
 *   <li>{@link dev.pollux.runtime.Blocking}: sequential code on virtual threads awaiting futures.
 *   <li>JFR events {@code dev.pollux.runtime.TaskRun} and {@code dev.pollux.runtime.TaskWake}
 *       (category Pollux / Runtime), off unless a recording enables them.
 * </ul>
 *
 * <p>Names avoid {@code java.util.concurrent}'s: {@code Async} (not Future), {@code EventLoop}
 * (not Executor), {@code TaskHandle}, {@code TaskWaker}.
 */
package dev.pollux.runtime;
