#!/usr/bin/env bash
# vm-engines: pppd (no daemon: it runs the builtin engine against pppd itself)
# The builtin PPP engine (as a server) against pppd 2.4.9 (as a client)
# over a pseudo-terminal: LCP, MS-CHAPv2 / CHAP-MD5 / PAP, IPCP with DNS,
# CCP with MPPE-128 required, IPV6CP, LCP echoes both ways, Terminate;
# then the engine as the client against pppd as the server.
# The engine side frames async HDLC in user space (build/bench/ppp_tty_peer);
# pppd uses the kernel's ppp_async and ppp_mppe. No kernel PPP of ours yet.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

vm_require "modules load" vm_modprobe ppp_generic ppp_async ppp_mppe
vm_ppp_clean_options
vm_ppp_no_scripts
peer=$PWD/build/bench/ppp_tty_peer
vm_require "ppp_tty_peer is built" test -x "$peer"

common=(nodetach local nocrtscts noauth user alice name alice noipdefault
    usepeerdns nodefaultroute lcp-echo-interval 2 lcp-echo-failure 3 debug)

# run NAME PEER-ARGS -- PPPD-ARGS: one link; output in $VM_LOGDIR/NAME.*
run() {
    local name=$1
    shift
    local log=$VM_LOGDIR/$name
    rm -f "$log.pppd"
    "$peer" "$@" logfile "$log.pppd" >"$log.out" 2>&1 || true
    cat "$log.out"
    grep -q "engine: done" "$log.out" || tail -n 30 "$log.pppd" || true
}

vm_log "MS-CHAPv2, MPPE-128 required, IPv6"
run mschapv2 -m -6 -t 90 -- "${common[@]}" password clientPass \
    require-mppe-128 +ipv6
o=$VM_LOGDIR/mschapv2
vm_check "MS-CHAPv2: login accepted" grep -q "login of 'alice' with MS-CHAPv2: accepted" "$o.out"
vm_check "MS-CHAPv2: CCP up on the engine" grep -q "engine: ccp-up" "$o.out"
vm_check "MS-CHAPv2: engine agreed MPPE 128" grep -q "engine: mppe 128 bits" "$o.out"
vm_check "MS-CHAPv2: IPV6CP up" grep -q "engine: ipv6-up" "$o.out"
vm_check "MS-CHAPv2: link closed by us after echoes" grep -q "engine: done" "$o.out"
vm_check "MS-CHAPv2: no bad frames" grep -q "bad FCS frames 0" "$o.out"
vm_check "pppd: MS-CHAPv2 succeeded (our authenticator response checked)" \
    grep -q "CHAP authentication succeeded" "$o.pppd"
vm_check "pppd: MPPE 128-bit stateless enabled" \
    grep -q "MPPE 128-bit stateless compression enabled" "$o.pppd"
vm_check "pppd: got 10.99.0.2 from us" grep -q "local  IP address 10.99.0.2" "$o.pppd"
vm_check "pppd: our address 10.99.0.1" grep -q "remote IP address 10.99.0.1" "$o.pppd"
vm_check "pppd: DNS from us (RFC 1877)" grep -q "primary   DNS address 192.0.2.53" "$o.pppd"
vm_check "pppd: IPv6 link-local up" grep -q "local  LL address fe80::" "$o.pppd"
vm_check "pppd: Terminate from us" grep -qi "terminat" "$o.pppd"

vm_log "CHAP-MD5 (pppd refuses MS-CHAP)"
run chapmd5 -t 60 -- "${common[@]}" password clientPass refuse-mschap-v2 refuse-mschap refuse-pap
o=$VM_LOGDIR/chapmd5
vm_check "CHAP-MD5: login accepted" grep -q "login of 'alice' with CHAP-MD5: accepted" "$o.out"
vm_check "CHAP-MD5: done" grep -q "engine: done" "$o.out"
vm_check "pppd: IPCP up" grep -q "local  IP address 10.99.0.2" "$o.pppd"

vm_log "PAP (pppd refuses CHAP)"
run pap -t 60 -- "${common[@]}" password clientPass refuse-chap refuse-mschap-v2 refuse-mschap
o=$VM_LOGDIR/pap
vm_check "PAP: login accepted" grep -q "login of 'alice' with PAP: accepted" "$o.out"
vm_check "PAP: done" grep -q "engine: done" "$o.out"

vm_log "wrong password"
run wrong -t 60 -- "${common[@]}" password wrongPass
o=$VM_LOGDIR/wrong
# Asked in pppd's order without MPPE required: CHAP-MD5 first.
vm_check "wrong password: refused (CHAP-MD5, asked first)" grep -q "with CHAP-MD5: refused" "$o.out"
vm_check "wrong password: link down, authentication failed" \
    grep -q "engine: down: authentication failed" "$o.out"
vm_check "pppd: saw the failure" grep -qi "failed" "$o.pppd"

vm_log "engine as client: MS-CHAPv2 and MPPE-128 against pppd as server"
printf 'alice * clientPass *\n' > /etc/ppp/chap-secrets
run client -c -m -t 90 -- nodetach local nocrtscts auth require-mschap-v2 \
    name srv 10.99.0.1:10.99.0.2 ms-dns 192.0.2.53 require-mppe-128 \
    lcp-echo-interval 2 lcp-echo-failure 3 debug
o=$VM_LOGDIR/client
vm_check "client: CCP up" grep -q "engine: ccp-up" "$o.out"
vm_check "client: MPPE 128" grep -q "engine: mppe 128 bits" "$o.out"
vm_check "client: took 10.99.0.2, peer 10.99.0.1, DNS 192.0.2.53" \
    grep -q "engine: local 0a630002 peer 0a630001 dns c0000235" "$o.out"
vm_check "client: done" grep -q "engine: done" "$o.out"
vm_check "pppd server: MS-CHAPv2 Success sent to us" \
    grep -q "sent \[CHAP Success" "$o.pppd"
vm_check "pppd server: MPPE 128-bit stateless enabled" \
    grep -q "MPPE 128-bit stateless compression enabled" "$o.pppd"
