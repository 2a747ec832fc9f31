# Shared helpers for the test scripts (sourced, not run).

# start_signal starts bin/parley-signal on a free loopback port and sets
# SIGNAL_PID and SIGNAL_WS (ws://127.0.0.1:PORT/). The server prints its URL
# once it listens, so no port is guessed.
start_signal() {
	local log
	log=$(mktemp)
	bin/parley-signal --addr 127.0.0.1:0 >"$log" 2>&1 &
	SIGNAL_PID=$!
	for _ in $(seq 100); do
		if grep -q 'open http://' "$log"; then
			SIGNAL_WS=$(grep -o 'http://[0-9.:]*/' "$log" | head -1 | sed 's/^http/ws/')
			return 0
		fi
		sleep 0.1
	done
	echo "parley-signal did not start:"; cat "$log"
	return 1
}

# free_display prints an X display number that nothing uses.
free_display() {
	local n
	for n in $(shuf -i 100-899 -n 20); do
		if [[ ! -e /tmp/.X11-unix/X$n && ! -e /tmp/.X$n-lock ]]; then
			echo "$n"
			return 0
		fi
	done
	return 1
}
