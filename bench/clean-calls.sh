#!/usr/bin/env bash
# clean-calls.sh CALLS: a scenario for tests/gen/scmwq-gen of CALLS clean
# mainline calls, each of which sleeps and is woken by the IRQ drain (7
# events a call), on stdout.  Shared by the benchmarks that record through
# uprobes.
calls=${1:?usage: clean-calls.sh CALLS}
echo "driver mainline"
echo "thread T1 bench-client"
for ((i = 1; i <= calls; i++)); do
	printf 'T1 request 0x42000601 0x1000\nT1 sleep 0 %d\nIRQ request 0xc2002403\nIRQ getwq 0 1 0\nT1 resume %d\nT1 request 0x42002402 %d\nT1 done 0x42000601 0 0 0 0 0\n' "$i" "$i" "$i"
done
