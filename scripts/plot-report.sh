#!/usr/bin/env bash
# Draws the figures of a benchmark report (scripts/bench.sh's Markdown, or bench/RESULTS.md,
# which holds one) as SVG files beside it, with gnuplot:
#   REPORT-micro.svg  ns/op of pipe token passing and the wake round trip: Pollux, JDK NIO, C floor
#   REPORT-echo.svg   the echo servers (Pollux on Poll and on the executor, NIO, Netty, C floor):
#                     server CPU per message and messages per second, one and two event loops
#   REPORT-poll.svg   poll cost against the number of registered sources, K of them ready
#                     (the rest idle): Pollux and NIO
# Where the report has Pollux on io_uring too (its "io_uring beside epoll (same run)" table, the
# echo servers marked "(io_uring)"), the figures show it beside epoll.
# A figure whose table the report lacks (--skip-micro, --skip-echo) is not drawn.
#
#   scripts/plot-report.sh [--png] REPORT.md     (--png: PNG files instead of SVG)
#
# Needs gnuplot (Debian: apt-get install gnuplot-nox, or scripts/ensure-tools.sh --plot).
set -euo pipefail

ext=svg
if [[ ${1:-} == --png ]]; then
    ext=png
    shift
fi
report=${1:?usage: scripts/plot-report.sh [--png] REPORT.md}
[[ -f $report ]] || { echo "no report $report" >&2; exit 1; }
if ! command -v gnuplot >/dev/null; then
    echo "gnuplot is not installed: install gnuplot (Debian: apt-get install -y gnuplot-nox, or scripts/ensure-tools.sh --plot)" >&2
    exit 1
fi
base=${report%.md}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

# The rows of the table under the heading that starts with "### $1", one per line, cells
# separated by tabs, thousands separators removed, "a ± b" split into "a<TAB>b" (an error of
# "n/a", from a single measurement, becomes 0).
table() {
    awk -v heading="### $1" '
        index($0, heading) == 1 { found = 1; next }
        found && /^#/ { exit }
        found && /^\|/ { rows++; if (rows > 2) print; next }
        found && rows > 2 && !/^\|/ { exit }' "$report" \
    | sed -E 's/^\| *//; s/ *\|$//; s/ *\| */\t/g; s/([0-9]),([0-9])/\1\2/g; s/([0-9]),([0-9])/\1\2/g; s/ ± /\t/g; s/\tn\/a(\t|$)/\t0\1/g'
}

# Common look: white background, readable fonts, a light grid.
terminal() {
    cat <<EOF
$(if [[ $ext == svg ]]; then echo "set terminal svg size $1,$2 dynamic enhanced font \"sans,13\" background rgb \"white\""
  else echo "set terminal pngcairo size $1,$2 enhanced font \"sans,11\" background rgb \"white\""; fi)
set grid ytics lc rgb "#dddddd"
set border 3
set tics nomirror
set key top left
EOF
}

drawn=()

# Pollux on io_uring, where the report has it: benchmark, epoll, ±, io_uring, ±, ratio, B/op...
table "io_uring beside epoll (same run)" >"$data/uring.tsv"

# ns/op, micro-benchmarks: columns benchmark, Pollux, ±, NIO, ±, C floor, then io_uring, ± from
# the io_uring table's row that starts with the same two words (NaN where there is none).
table "Pipe token passing and wake round trip" | awk -F'\t' -v uring="$data/uring.tsv" '
    function key(label) { split(label, w, " "); return w[1] " " w[2] }
    BEGIN { while ((getline line < uring) > 0) { split(line, c, "\t"); u[key(c[1])] = c[4] "\t" c[5] } }
    NF >= 6 { printf "\"%s\"\t%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5, $6, (key($1) in u) ? u[key($1)] : "NaN\tNaN" }' >"$data/micro.dat"
uring_bars=
if awk -F'\t' '$7 != "NaN"' "$data/micro.dat" | grep -q .; then
    uring_bars=', "" every ::i::i using 7:8 title "Pollux on io\\_uring" lc rgb "#9467bd"'
fi
if [[ -s $data/micro.dat ]]; then
    {
        terminal 1000 430
        cat <<EOF
set output "$base-micro.$ext"
set multiplot layout 1,2 title "ns per operation, lower is better (JMH mean with its 99.9% error bar; C floor: median of its runs)"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set yrange [0:*]
set key top left
do for [i=0:1] {
    plot "$data/micro.dat" every ::i::i using 2:3:xtic(1) title "Pollux" lc rgb "#1f77b4"$uring_bars, \
         "" every ::i::i using 4:5 title "JDK NIO" lc rgb "#ff7f0e", \
         "" every ::i::i using 6:(0) title "C floor" lc rgb "#7f7f7f"
}
unset multiplot
EOF
    } | gnuplot
    drawn+=("$base-micro.$ext")
fi

# Echo: server, then per layout (one loop, two loops) msg/s and server CPU us/msg; short names
# so that the labels fit under the bars.
table "Echo, single event loop" | awk -F'\t' '{ print $1 "\t" $2 "\t" $5 }' >"$data/echo1.tsv"
table "Echo, two event loops" | awk -F'\t' '{ print $1 "\t" $2 "\t" $5 }' >"$data/echo2.tsv"
awk -F'\t' '
    function short(name,    backend) {
        backend = sub(/ \(io_uring\)$/, "", name) ? "\\nio\\\\_uring" : ""
        if (sub(/ \(io_uring completion\)$/, "", name)) backend = "\\ncompletion"
        if (name == "Pollux on Poll") return "Pollux\\nPoll" backend
        if (name == "Pollux on the executor") return "Pollux\\nexecutor" backend
        sub(/ Selector$/, "", name); sub(/ 4\.[0-9]+ epoll$/, "\\nepoll", name); sub(/ \(epoll\)$/, "", name)
        return name backend
    }
    NR == FNR { two[$1] = $2 "\t" $3; next }
    { printf "\"%s\"\t%s\t%s\t%s\n", short($1), $2, $3, ($1 in two) ? two[$1] : "NaN\tNaN" }' \
    "$data/echo2.tsv" "$data/echo1.tsv" >"$data/echo.dat"
if [[ -s $data/echo.dat ]]; then
    {
        # Wider where the io_uring servers add two clusters, so that the labels still fit.
        width=1100
        grep -q "(io_uring)" "$data/echo1.tsv" "$data/echo2.tsv" && width=1400
        grep -q "(io_uring completion)" "$data/echo1.tsv" "$data/echo2.tsv" && width=1600
        terminal "$width" 460
        cat <<EOF
set output "$base-echo.$ext"
set multiplot layout 1,2 title "TCP echo, 32 connections x 64 B, C epoll load generator"
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.85 border -1
set yrange [0:*]
set offsets 0, 0, graph 0.2, 0
set key top left horizontal
set xtics font ",11"
set bmargin 4
set title "server CPU per message (us, lower is better)"
plot "$data/echo.dat" using 3:xtic(1) title "one event loop" lc rgb "#1f77b4", \
     "" using 5 title "two event loops" lc rgb "#aec7e8"
set title "messages per second (thousands)"
plot "$data/echo.dat" using (\$2/1000):xtic(1) title "one event loop" lc rgb "#2ca02c", \
     "" using (\$4/1000) title "two event loops" lc rgb "#98df8a"
unset multiplot
EOF
    } | gnuplot
    drawn+=("$base-echo.$ext")
fi

# Poll K of M: columns K, M, Pollux ns/poll, ±, Mevents/s, NIO ns/poll, ±, ...; one block per K
# (gnuplot's "index") holding M, Pollux, NIO and Pollux on io_uring (from the io_uring table's
# rows "poll, K = k ready of M = m ...", NaN where it has none).
table "Poll with K ready of M registered" >"$data/poll.tsv"
if [[ -s $data/poll.tsv ]]; then
    sort -t$'\t' -k1,1n -k2,2n "$data/poll.tsv" \
        | awk -F'\t' -v uring="$data/uring.tsv" '
            BEGIN { while ((getline line < uring) > 0) { split(line, c, "\t"); split(c[1], w, " "); if (w[1] == "poll,") u[w[4] " " w[9]] = c[4] } }
            NR > 1 && $1 != k { printf "\n\n" }
            { k = $1; print $2 "\t" $3 "\t" $6 "\t" ((($1 " " $2) in u) ? u[$1 " " $2] : "NaN") }' >"$data/poll.dat"
    ks=$(cut -f1 "$data/poll.tsv" | sort -n -u | tr '\n' ' ')
    # The 1-based numbers of the K blocks with an io_uring figure, and their lines.
    uring_blocks=$(awk -F'\t' 'BEGIN { b = 1 } NF == 0 { b += 0.5; next } $4 != "NaN" { print int(b) }' "$data/poll.dat" | uniq | tr '\n' ' ')
    uring_lines=
    if [[ -n $uring_blocks ]]; then
        uring_lines=", for [j=1:words(ub)] \"$data/poll.dat\" index (int(word(ub, j)) - 1) using 1:4 with linespoints lw 2 dt 3 pt 4 lc int(word(ub, j)) title sprintf(\"io\\\\_uring, K = %s\", word(ks, int(word(ub, j))))"
    fi
    {
        terminal 900 460
        cat <<EOF
set output "$base-poll.$ext"
set title "One poll with K ready of M registered (M - K idle): ns per poll, lower is better"
set logscale xy
set xlabel "registered sources M"
set key outside right
set xrange [700:15000]
set xtics ("1,024" 1024, "10,000" 10000)
set format y "%.0s%c"
ks = "$ks"
ub = "$uring_blocks"
plot for [i=1:words(ks)] "$data/poll.dat" index (i-1) using 1:2 with linespoints lw 2 pt 7 lc i title sprintf("Pollux, K = %s", word(ks, i)), \
     for [i=1:words(ks)] "$data/poll.dat" index (i-1) using 1:3 with linespoints lw 2 dt 2 pt 6 lc i title sprintf("NIO, K = %s", word(ks, i))$uring_lines
EOF
    } | gnuplot
    drawn+=("$base-poll.$ext")
fi

if ((${#drawn[@]} == 0)); then
    echo "no table to plot in $report" >&2
    exit 1
fi
printf '%s\n' "${drawn[@]}"
