package dev.pollux.bench.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the output of {@code strace -f -o FILE} (with or without {@code -tt} and {@code -T}) into
 * one {@link Call} per system call: a call that strace split into {@code <unfinished ...>} and
 * {@code <... resumed>} lines (another thread ran in between) becomes one call at the position of
 * its start, with the result and duration of its end. Signal and exit lines are dropped.
 */
final class StraceLines {
    private static final Pattern LINE =
            Pattern.compile("^(?:\\[pid\\s+)?(\\d+)\\]?\\s+(?:\\d\\d:\\d\\d:\\d\\d\\.\\d+\\s+)?(.*)$");
    private static final Pattern CALL = Pattern.compile("^([a-z_][a-z0-9_]*)\\(");
    private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. ([a-z_][a-z0-9_]*) resumed>(.*)$");
    private static final Pattern DURATION = Pattern.compile("\\s<(\\d+\\.\\d+)>$");
    private static final Pattern ERRNO = Pattern.compile("\\) += -1 ([A-Z][A-Z0-9_]*)(?: \\(|$)");
    private static final String UNFINISHED = " <unfinished ...>";

    /** Calls that wait for readiness: one per iteration of an event loop. */
    private static final List<String> WAITS =
            List.of("epoll_wait", "epoll_pwait", "epoll_pwait2", "kevent", "io_uring_enter");

    /**
     * One system call.
     *
     * @param errno the error name ({@code EAGAIN}) when it returned -1, else null
     * @param seconds the time spent in the call ({@code -T}), or -1 when the trace has none
     */
    record Call(int tid, String text, String name, String errno, double seconds) {
        boolean isWait() {
            return StraceLines.isWait(name);
        }
    }

    private StraceLines() {}

    static boolean isWait(String call) {
        return WAITS.contains(call);
    }

    static List<Call> read(Path file) throws IOException {
        List<Call> calls = new ArrayList<>();
        Map<Integer, Integer> pending = new HashMap<>(); // tid -> index of its unfinished call
        for (String raw : Files.readAllLines(file)) {
            Matcher m = LINE.matcher(raw);
            if (!m.matches()) {
                continue;
            }
            int tid = Integer.parseInt(m.group(1));
            String text = m.group(2);
            Matcher resumed = RESUMED.matcher(text);
            if (resumed.matches()) {
                Integer at = pending.remove(tid);
                if (at != null) {
                    Call start = calls.get(at);
                    calls.set(at, call(tid, start.text() + resumed.group(2), start.name()));
                }
                continue;
            }
            Matcher c = CALL.matcher(text);
            if (!c.find()) {
                continue; // "+++ exited", "--- SIGCHLD", "???"
            }
            if (text.endsWith(UNFINISHED)) {
                pending.put(tid, calls.size());
                text = text.substring(0, text.length() - UNFINISHED.length());
            }
            calls.add(call(tid, text, c.group(1)));
        }
        return calls;
    }

    private static Call call(int tid, String text, String name) {
        Matcher d = DURATION.matcher(text);
        double seconds = -1;
        if (d.find()) {
            seconds = Double.parseDouble(d.group(1));
            text = text.substring(0, d.start());
        }
        Matcher e = ERRNO.matcher(text);
        String errno = null;
        while (e.find()) {
            errno = e.group(1); // the last " = -1 EXXX" is the result (arguments may hold "=")
        }
        return new Call(tid, text, name, errno, seconds);
    }

    /**
     * The calls of one loop iteration of {@code calls.get(start)}'s thread: from that wait to the
     * same thread's next wait (excluded), other threads' calls in between included, at most
     * {@code max} lines.
     */
    static List<Call> iteration(List<Call> calls, int start, int max) {
        List<Call> out = new ArrayList<>();
        int tid = calls.get(start).tid();
        for (int i = start; i < calls.size() && out.size() < max; i++) {
            Call l = calls.get(i);
            if (i > start && l.tid() == tid && l.isWait()) {
                break;
            }
            out.add(l);
        }
        return out;
    }

    /** A line of the raw trace, as printed in reports: thread id, then the call, cut at 150 characters. */
    static String show(Call call) {
        String text = call.text().length() > 150 ? call.text().substring(0, 147) + "..." : call.text();
        return call.tid() + "  " + text;
    }
}
