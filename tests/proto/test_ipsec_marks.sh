#!/usr/bin/env bash
# Several IPsec clients behind one NAT, on loopback: two tunnels from one
# address and port whose datagrams carry packet marks of their own (set
# with SO_MARK by the raw peer, as an SA's set_mark does after decryption).
# Each tunnel's answers carry its own datagrams' mark: the SCCRP (from the
# listener), then everything from the tunnel's own socket (SO_MARK). A new
# nonzero mark on an accepted message is followed and logged (a rekeyed
# SA); a clear-text (unmarked) message, the second tunnel's datagrams that
# land on the first tunnel's socket and an out-of-sequence duplicate with
# another mark change nothing. The SAs themselves need the VM
# (tests/vm/scenarios/ipsec_two_clients_nat.sh).
. "$(dirname "$0")/lib.sh"
proto_init test_ipsec_marks "${1:-build}"
raw=$(cd "$(dirname "$0")" && pwd)/l2tp_raw.py
: >"$tmp/secrets"
chmod 600 "$tmp/secrets"

p=$(free_port)
printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\n[lns default]\nhostname = lns\nassign ip = no\n' \
	"$p" >"$tmp/lns.conf"
start_l2tpd lns "$tmp/lns.conf" -s "$tmp/secrets" || proto_abort "l2tpd did not start"

out=$(python3 "$raw" marks --to "127.0.0.1:$p" --src 127.0.0.7)
echo "$out"
v() { jq -r ".$1" <<<"$out"; }
check_eq "first tunnel opened" "$(v first_error)" null
check_eq "its SCCRP (from the listener) carries its SCCRQ's mark" "$(v first_sccrp)" 7
check_eq "the SCCCN's acknowledgement carries it" "$(v first_scccn_ack)" 7
check_eq "so does the answer to a HELLO (the tunnel's socket)" "$(v first_hello)" 7
check "the daemon logs the mark its tunnel socket sends with" wait_log lns \
	"replies carry the peer's IPsec mark 7 \\(SO_MARK\\)" 3
check_eq "a clear-text message (mark 0) does not replace the mark" "$(v after_unmarked)" 7
check_eq "after a message with mark 9 (rekeyed SA), answers carry 9" "$(v after_rekey)" 9
check "the change is logged" wait_log lns "IPsec mark 7 -> 9: " 3
check_eq "second tunnel from the same address and port opened" "$(v second_error)" null
check_eq "its SCCRP carries its own mark" "$(v second_sccrp)" 11
check_eq "its SCCCN's acknowledgement too" "$(v second_scccn_ack)" 11
check_eq "and its HELLO's answer" "$(v second_hello)" 11
check_eq "the first tunnel still answers with 9 (neither the second's datagrams nor a duplicate with 13 moved it)" \
	"$(v first_after_second)" 9
check_eq "two tunnels established" \
	"$(ctl_q lns '[.tunnels[]|select(.state=="established")]|length' tunnels)" 2
check "no other mark change logged" sh -c "[ \$(grep -c 'IPsec mark [0-9]* -> ' '$tmp/lns.log') = 1 ]"
proto_finish
