#!/usr/bin/env bash
# 'ipsec required = yes' on loopback, where no IPsec policy protects
# anything: the LNS refuses a tunnel (StopCCN, log line naming the peer and
# the reason) while a section with 'ipsec required = no' is served, and a
# LAC refuses to dial, saying so, and sends nothing. The protected cases
# need ESP and run in the VM (tests/vm/scenarios/ipsec_required.sh).
. "$(dirname "$0")/lib.sh"
proto_init test_ipsec_required "${1:-build}"
raw=$(cd "$(dirname "$0")" && pwd)/l2tp_raw.py
: >"$tmp/secrets"
chmod 600 "$tmp/secrets"

p_lns=$(free_port)
printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\nipsec required = yes\nmax retries = 2\n[lns open]\nlac = 127.0.0.9\nipsec required = no\nhostname = open\nassign ip = no\n[lns default]\nhostname = lns\nassign ip = no\n' \
	"$p_lns" >"$tmp/lns.conf"
start_l2tpd lns "$tmp/lns.conf" -s "$tmp/secrets" || proto_abort "l2tpd (LNS) did not start"

out=$(python3 "$raw" flood --to "127.0.0.1:$p_lns" --src 127.0.0.5 --count 1 --wait 3)
check_eq "clear-text SCCRQ: answered with a StopCCN" "$(jq .stopccn <<<"$out")" 1
check "the refusal names the peer and the reason" wait_log lns \
	"refused: tunnel from 127\.0\.0\.5 .*clear text: .*\(ipsec required = yes\)" 5
check_eq "no tunnel left open" "$(ctl_q lns '[.tunnels[]|select(.state=="established")]|length' tunnels)" 0
out=$(python3 "$raw" peer --to "127.0.0.1:$p_lns" --src 127.0.0.9)
check_eq "a section with 'ipsec required = no' is served" "$(jq .established <<<"$out")" true

p_lac=$(free_port 127.0.0.2)
printf '[global]\nlisten-addr = 127.0.0.2\nport = %s\ndataplane = none\n[lac strict]\nlns = 127.0.0.1:%s\nautodial = yes\nipsec required = yes\n' \
	"$p_lac" "$p_lns" >"$tmp/lac.conf"
start_l2tpd lac "$tmp/lac.conf" -s "$tmp/secrets" || proto_abort "l2tpd (LAC) did not start"
check "the LAC refuses to dial, loudly" wait_log lac \
	"\[lac strict\]: NOT dialling 127\.0\.0\.1 port $p_lns from port $p_lac: L2TP would travel in clear text" 5
check_eq "the LAC opened no tunnel" "$(ctl_q lac '.tunnels|length' tunnels)" 0
check_eq "the LNS saw no tunnel from it" \
	"$(ctl_q lns '[.tunnels[]|select(.peer|startswith("127.0.0.2:"))]|length' tunnels)" 0
proto_finish
