#!/usr/bin/env bash
# The builtin PPP engine beyond l2tpd's LNS: pptpd's server calls, pptpd's
# client profiles and l2tpd's LAC, no pppd on our side.
#   1. Debian's pptp-linux + pppd (netns "cli") -> our pptpd server with
#      'ppp-engine builtin' (netns "srv"): MS-CHAPv2 verified by the
#      daemon, MPPE-128 stateless, the first pool address, pings both ways,
#      vpnctl shows the call; hanging up leaves nothing; a wrong password is
#      refused and leaves nothing, and blocks the peer at accept
#      ('login-failures 1').
#   2. our pptpd client, profile with 'ppp engine = builtin' -> the same
#      server: the client's interface up with both addresses, MPPE-128 on
#      both ends, pings both ways, no pppd anywhere; disconnect leaves
#      nothing.
#   2a. pptp-linux -> our pptpd with 'ppp-unnumbered': no address on the
#      server's unit, a route to the client from localip, which pptpd puts
#      on lo and takes off at exit; pings both ways.
#   2b. the same client -> poptop (its pppd): poptop's address, MPPE-128
#      on both ends, pings both ways.
#   3. our l2tpd LAC, [lac] 'ppp engine = builtin', password from
#      chap-secrets (netns "lac") -> our l2tpd LNS with the builtin engine
#      requiring MPPE-128 (netns "lns"): the address the LNS gives, MPPE on
#      both ends, pings both ways; the LAC stopping leaves nothing.
#   3b. the same LAC, its pppoptfile without MPPE words -> the LNS with
#      'ppp engine = pppd' (require-mppe-128): the LAC takes the MPPE the
#      LNS requires, as pppd would; the same checks, against pppd.
# vm-timeout: 360
# vm-engines: pppd (it sets each server's engine itself, both engines in one boot)
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/ppp-builtin-pptp
SRV_IP=10.99.4.1
PPP_SRV=192.168.81.1
LNS_IP=10.99.5.1
PPP_LNS=192.168.83.1
mkdir -p "$D" /var/run/pptp

vm_require "modules load" vm_modprobe ppp_generic pptp ppp_mppe l2tp_ppp l2tp_netlink
vm_netns_pair srv cli 10.99.4
vm_netns_pair lns lac 10.99.5
vm_ppp_clean_options
vm_ppp_no_scripts

# pppd's own secrets (guest only): pptp-linux's pppd and our LAC log in
# from here; our servers read $D/chap-secrets (pptpd) and this one (l2tpd).
for f in /etc/ppp/chap-secrets "$D/chap-secrets"; do
    printf 'alice pptpd "alice-pw" *\n' > "$f" && chmod 600 "$f"
done
printf '"vpnuser" "lns" "lac-secret" *\n' >> /etc/ppp/chap-secrets

# vpnctl of WHO (srv, cli, lns, lac) in JSON; a field of its only call.
jctl() { "$B/vpnctl" -s "$D/$1.ctl" -t 5 --json "${@:2}"; }
ctl() { "$B/vpnctl" -s "$D/$1.ctl" -t 5 "${@:2}"; }
status_field() { jctl "$1" status | jq -r ".$2"; }
call_field() { jctl "$1" sessions | jq -r ".sessions[0].$2 // empty"; }
has_addr() { [ -n "$(vm_ppp_addr "$1" 2>/dev/null)" ]; }
# No ppp interface in use in NS... (idle units the builtin engine keeps for
# the next call are down and without addresses: vm_ppp_ifaces skips them).
no_ppp_in_use() { local ns; for ns; do [ -z "$(vm_ppp_ifaces "$ns")" ] || return 1; done; }
lac_gone() { ! pgrep pppd >/dev/null && no_ppp_in_use lns lac; }
up_both() { has_addr "$1" && has_addr "$2"; }
no_plugin_pppd() { ! pgrep -f 'vpnsuite\.so' >/dev/null; }
# IFACE in NS has LOCAL with peer PEER/32 and is up.
if_has() { # NS IFACE LOCAL PEER
    ip -n "$1" -4 -o addr show dev "$2" | grep -q "inet $3 peer $4/32" &&
        ip -n "$1" -o link show dev "$2" | grep -q ',UP'
}
srv_clean() {
    [ -z "$(vm_ppp_ifaces srv)" ] && [ "$(status_field srv sessions)" = 0 ] &&
        [ "$(status_field srv addresses_in_use)" = 0 ]
}
calls_gone() {
    srv_clean && [ -z "$(vm_ppp_ifaces cli)" ] && vm_no_process pppd &&
        [ "$(cat /sys/module/pptp/refcnt)" = 0 ]
}
srv_log=$VM_LOGDIR/pptpd-srv.log
logged() { grep -c "$1" "$srv_log" || true; }

cat > "$D/srv.conf" <<CONF
listen $SRV_IP
localip $PPP_SRV
remoteip 192.168.81.10-19
ppp-secrets $D/chap-secrets
ppp-engine builtin
login-failures 1
login-block 5
CONF
vm_bg pptpd-srv vm_in srv "$B/pptpd" -f -c "$D/srv.conf" -p "$D/srv.pid" -C "$D/srv.ctl"
vm_require "our server's control socket up" vm_wait_for 10 test -S "$D/srv.ctl"

# --- 1. pptp-linux -> pptpd, builtin engine ------------------------------------
pptp_linux_options() { # EXTRA-OPTION...
    printf '%s\n' "pty \"pptp $SRV_IP --nolaunchpppd\"" "name alice" "remotename pptpd" \
        noauth noipdefault nodefaultroute refuse-pap refuse-chap refuse-mschap \
        refuse-eap require-mppe-128 "logfile $VM_LOGDIR/pppd-pptp-linux.log" "$@" \
        > "$D/options.pptp-linux"
}
vm_log "1: pptp-linux -> our pptpd (ppp-engine builtin)"
pptp_linux_options
t0=$(date +%s%N)
vm_bg pptp-linux vm_in cli pppd nodetach file "$D/options.pptp-linux"
vm_require "pptp-linux: PPP up on both ends" vm_wait_for 60 up_both cli srv
vm_log "pptp-linux: PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after starting pppd"
cli_ip=$(vm_ppp_addr cli)
srv_if=$(vm_ppp_ifaces srv | head -n1)
vm_check "no pppd with our plugin on the server" no_plugin_pppd
vm_check "the builtin engine authenticated alice with MS-CHAPv2" \
    grep -q "authenticated as alice (MS-CHAPv2)" "$srv_log"
vm_check "the login was verified by the daemon from its secrets" \
    grep -q "user 'alice' from 10.99.4.2: MS-CHAPv2 login accepted ($D/chap-secrets:1)" "$srv_log"
vm_check "MPPE-128 up in the builtin engine" grep -q "MPPE-128 up" "$srv_log"
vm_check "MPPE-128 stateless on pptp-linux's side" \
    grep -q "MPPE 128-bit stateless compression enabled" "$VM_LOGDIR/pppd-pptp-linux.log"
vm_check_eq "pptp-linux got the first pool address" 192.168.81.10 "$cli_ip"
vm_check "server interface $srv_if: $PPP_SRV peer $cli_ip/32, up" if_has srv "$srv_if" "$PPP_SRV" "$cli_ip"
vm_check "ping pptp-linux -> our server" vm_ping cli "$PPP_SRV" 3
vm_check "ping our server -> pptp-linux" vm_ping srv "$cli_ip" 3
ctl srv sessions | tee "$VM_LOGDIR/vpnctl-srv-sessions.txt" || true
vm_check_eq "vpnctl: the call's user" alice "$(call_field srv user)"
vm_check_eq "vpnctl: the call's interface" "$srv_if" "$(call_field srv interface)"
vm_check_eq "vpnctl: the call's local address" "$PPP_SRV" "$(call_field srv local_ip)"
vm_check_eq "vpnctl: the call's peer address" "$cli_ip" "$(call_field srv remote_ip)"
vm_ge "vpnctl: the call counted the pings in" "$(call_field srv rx_bytes)" 500
vm_stop pptp-linux 10
vm_check "pptp-linux hung up: nothing left on either side" vm_wait_for 30 calls_gone

vm_log "1b: a wrong password"
ups_before=$(logged "PPP up on")
pptp_linux_options "password not-alice-pw"
vm_bg pptp-linux-wrong vm_in cli pppd nodetach file "$D/options.pptp-linux"
vm_check "wrong password: the server refused the login" vm_wait_for 60 \
    grep -q "MS-CHAPv2: login of 'alice' refused" "$srv_log"
vm_check "wrong password: pptp-linux's pppd was told so" vm_wait_for 30 \
    grep -q "CHAP authentication failed" "$VM_LOGDIR/pppd-pptp-linux.log"
vm_check "wrong password: nothing left on the server" vm_wait_for 30 srv_clean
vm_check_eq "wrong password: no PPP came up" "$ups_before" "$(logged "PPP up on")"
vm_stop pptp-linux-wrong 10
vm_wait_for 20 calls_gone || true

vm_log "1c: that failure blocks the peer ('login-failures 1') for 5 s"
pptp_linux_options
vm_bg pptp-linux-blocked vm_in cli pppd nodetach file "$D/options.pptp-linux"
vm_check "a blocked peer is turned away at accept" vm_wait_for 20 \
    sh -c "[ \"\$('$B/vpnctl' -s '$D/srv.ctl' -t 5 --json status | jq .refused_blocked)\" -ge 1 ]"
vm_check_eq "blocked: no PPP came up" "$ups_before" "$(logged "PPP up on")"
vm_stop pptp-linux-blocked 10
vm_wait_for 20 calls_gone || true
sleep 5 # the block runs out

# --- 2. our pptpd client, builtin engine -> the same server ----------------------
vm_log "2: our pptpd client (ppp engine = builtin) -> our pptpd"
printf '[client office]\nserver = %s\nuser = alice\npassword = alice-pw\nredial = no\nppp engine = builtin\n' \
    "$SRV_IP" > "$D/clients.conf"
printf 'connections 0\nclients %s\n' "$D/clients.conf" > "$D/cli.conf"
vm_bg pptpd-cli vm_in cli "$B/pptpd" -f -c "$D/cli.conf" -p "$D/cli.pid" -C "$D/cli.ctl"
vm_require "our client's control socket up" vm_wait_for 10 test -S "$D/cli.ctl"
t0=$(date +%s%N)
ctl cli pptp connect office >/dev/null
vm_require "our client: PPP up on both ends" vm_wait_for 60 up_both cli srv
vm_log "our client: PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after pptp connect"
cli_ip=$(vm_ppp_addr cli)
cli_if=$(vm_ppp_ifaces cli | head -n1)
vm_check "no pppd at all on either side" vm_no_process pppd
# The pool hands out the next address, not the one just freed.
vm_check_eq "our client took the address the server gave it" \
    "$(call_field srv remote_ip)" "$cli_ip"
vm_check "... one of the server's pool" sh -c "echo '$cli_ip' | grep -qE '^192\.168\.81\.1[0-9]\$'"
vm_check "client interface $cli_if: $cli_ip peer $PPP_SRV/32, up" if_has cli "$cli_if" "$cli_ip" "$PPP_SRV"
vm_check "client side: logged in with MS-CHAPv2" \
    grep -q "peer 10.99.4.1 call [0-9]*: authenticated (MS-CHAPv2)" "$VM_LOGDIR/pptpd-cli.log"
vm_check "client side: MPPE-128 up" grep -q "MPPE-128 up" "$VM_LOGDIR/pptpd-cli.log"
vm_check_eq "server side: MPPE-128 up for both calls" 2 "$(logged "MPPE-128 up")"
vm_check "ping our client -> our server" vm_ping cli "$PPP_SRV" 3
vm_check "ping our server -> our client" vm_ping srv "$cli_ip" 3
vm_check_eq "vpnctl: the client's call has its interface" "$cli_if" "$(call_field cli interface)"
vm_check_eq "vpnctl: the client's call has its address" "$cli_ip" "$(call_field cli local_ip)"
vm_check_eq "vpnctl: the client's call has the server's" "$PPP_SRV" "$(call_field cli remote_ip)"
ctl cli pptp disconnect office >/dev/null
vm_check "our client hung up: nothing left on either side" vm_wait_for 30 calls_gone
vm_stop pptpd-srv 10

# --- 2a. 'ppp-unnumbered': no address on the server's unit ---------------------
vm_log "2a: pptp-linux -> our pptpd with ppp-unnumbered"
printf 'ppp-unnumbered\n' | cat "$D/srv.conf" - > "$D/srv-unnum.conf"
rm -f "$D/srv.ctl"
vm_bg pptpd-unnum vm_in srv "$B/pptpd" -f -c "$D/srv-unnum.conf" -p "$D/srv.pid" -C "$D/srv.ctl"
vm_require "unnumbered server's control socket up" vm_wait_for 10 test -S "$D/srv.ctl"
unnum_up() { has_addr cli && vm_ppp_routed srv; }
pptp_linux_options
vm_bg pptp-linux-unnum vm_in cli pppd nodetach file "$D/options.pptp-linux"
vm_require "unnumbered: PPP up (client address, server route)" vm_wait_for 60 unnum_up
cli_ip=$(vm_ppp_addr cli)
vm_check_unnumbered srv "$cli_ip" "$PPP_SRV"
vm_check "unnumbered: ping pptp-linux -> our server" vm_ping cli "$PPP_SRV" 3
vm_check "unnumbered: ping our server -> pptp-linux" vm_ping srv "$cli_ip" 3
vm_stop pptp-linux-unnum 10
vm_check "unnumbered: hung up, the route to $cli_ip gone" vm_wait_for 30 \
    bash -c "[ -z \"\$(ip -n srv -4 route show $cli_ip/32)\" ]"
vm_stop pptpd-unnum 10
vm_check "unnumbered: pptpd took $PPP_SRV off lo when it ended" \
    bash -c "! ip -n srv -o addr show dev lo | grep -q 'inet $PPP_SRV/'"
vm_wait_for 20 calls_gone || true

# --- 2b. our pptpd client, builtin engine -> poptop (pppd on the server) --------
vm_log "2b: our pptpd client (ppp engine = builtin) -> poptop"
printf '%s\n' "option $D/options.poptop" "listen $SRV_IP" "pidfile $D/poptop.pid" \
    "localip 192.168.82.1" "remoteip 192.168.82.10-19" > "$D/poptop.conf"
printf '%s\n' "name pptpd" refuse-pap refuse-chap refuse-mschap require-mschap-v2 \
    require-mppe-128 nodefaultroute "logfile $VM_LOGDIR/pppd-poptop.log" > "$D/options.poptop"
vm_bg poptop vm_in srv /usr/sbin/pptpd -f -c "$D/poptop.conf"
vm_require "poptop listens" vm_wait_for 10 sh -c "ip netns exec srv ss -Htln | grep -q '$SRV_IP:1723 '"
ctl cli pptp connect office >/dev/null
vm_require "our client -> poptop: PPP up on both ends" vm_wait_for 60 up_both cli srv
cli_ip=$(vm_ppp_addr cli)
vm_check_eq "our client took poptop's first address" 192.168.82.10 "$cli_ip"
vm_check "client interface: $cli_ip peer 192.168.82.1/32, up" \
    if_has cli "$(vm_ppp_ifaces cli | head -n1)" "$cli_ip" 192.168.82.1
vm_check "MPPE-128 on poptop's pppd" \
    grep -q "MPPE 128-bit stateless compression enabled" "$VM_LOGDIR/pppd-poptop.log"
vm_check_eq "client side: MPPE-128 up again" 2 "$(grep -c "MPPE-128 up" "$VM_LOGDIR/pptpd-cli.log")"
vm_check "ping our client -> poptop" vm_ping cli 192.168.82.1 3
vm_check "ping poptop -> our client" vm_ping srv "$cli_ip" 3
ctl cli pptp disconnect office >/dev/null
vm_check "our client hung up from poptop: no interface left on our side" \
    vm_wait_for 30 no_ppp_in_use cli
vm_stop poptop 10
vm_wait_for 20 vm_no_process pppd || true
vm_stop pptpd-cli 10

# --- 3. l2tpd LAC, builtin engine -> l2tpd LNS, builtin engine ------------------
vm_log "3: our l2tpd LAC (ppp engine = builtin) -> our l2tpd LNS (builtin, MPPE-128 required)"
printf 'require-mppe-128\n' > "$D/options.mppe"
{
    printf '[global]\nlisten-addr = %s\ndataplane = kernel\nppp engine = builtin\n' "$LNS_IP"
    vm_lns_default 192.168.83.10-192.168.83.20 "$PPP_LNS" "$D/options.mppe"
    printf 'require chap = yes\nrefuse pap = yes\n'
} > "$D/lns.conf"
# No 'password': the builtin engine finds vpnuser's in chap-secrets.
printf '%s\n' "[global]" "port = 1701" "[lac one]" "lns = $LNS_IP" "autodial = yes" \
    "redial = no" "name = vpnuser" "ppp engine = builtin" "pppoptfile = $D/options.mppe" \
    > "$D/lac.conf"
: > "$D/secrets"
l2tp_clean() {
    [ -z "$(vm_ppp_ifaces lns)$(vm_ppp_ifaces lac)" ] && vm_no_l2tp_session lns &&
        [ "$(jctl lns sessions | jq '.sessions | length')" = 0 ]
}
vm_bg l2tpd-lns vm_in lns "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
t0=$(date +%s%N)
vm_bg l2tpd-lac vm_in lac "$B/l2tpd" -D -c "$D/lac.conf" -s "$D/secrets" \
    -p "$D/lac.pid" -S "$D/lac.ctl" -C "$D/lac.fifo"
vm_require "LAC: PPP up on both ends" vm_wait_for 60 up_both lac lns
vm_log "LAC: PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after starting it"
lac_ip=$(vm_ppp_addr lac)
lac_if=$(vm_ppp_ifaces lac | head -n1)
vm_check "no pppd on either side" vm_no_process pppd
vm_check_eq "LAC took the LNS's first pool address" 192.168.83.10 "$lac_ip"
vm_check "LAC interface $lac_if: $lac_ip peer $PPP_LNS/32, up" if_has lac "$lac_if" "$lac_ip" "$PPP_LNS"
vm_check "LNS: vpnuser logged in with MS-CHAPv2 (password from chap-secrets)" \
    grep -q "authenticated as vpnuser (MS-CHAPv2)" "$VM_LOGDIR/l2tpd-lns.log"
vm_check "LAC: logged in with MS-CHAPv2" \
    grep -q "authenticated (MS-CHAPv2)" "$VM_LOGDIR/l2tpd-lac.log"
vm_check "LAC: MPPE-128 up" grep -q "MPPE-128 up" "$VM_LOGDIR/l2tpd-lac.log"
vm_check "LNS: MPPE-128 up" grep -q "MPPE-128 up" "$VM_LOGDIR/l2tpd-lns.log"
vm_check "ping LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "ping LNS -> LAC" vm_ping lns "$lac_ip" 3
vm_check_eq "vpnctl: the LAC's session has its interface" "$lac_if" \
    "$(call_field lac interface)"
vm_stop l2tpd-lac 10
vm_check "the LAC stopped: nothing left on either side" vm_wait_for 30 l2tp_clean
vm_stop l2tpd-lns 10

# --- 3b. the same LAC -> an LNS running pppd -------------------------------------
vm_log "3b: our l2tpd LAC (ppp engine = builtin, no MPPE words) -> our l2tpd LNS (ppp engine = pppd)"
# No MPPE word: the LAC takes the MPPE the LNS requires, as pppd does.
printf 'lcp-echo-interval 30\n' > "$D/options.lac-plain"
sed "s|$D/options.mppe|$D/options.lac-plain|" "$D/lac.conf" > "$D/lac-plain.conf"
printf '%s\n' require-mschap-v2 require-mppe-128 "logfile $VM_LOGDIR/pppd-lns.log" > "$D/options.lns-pppd"
# pppd takes CHAP-MD5 over MS-CHAPv2 when 'require chap' asks for both:
# the options file alone says which.
sed -e 's/^ppp engine = builtin$/ppp engine = pppd/' -e '/^require chap = yes$/d' \
    -e "s|$D/options.mppe|$D/options.lns-pppd|" \
    "$D/lns.conf" > "$D/lns-pppd.conf"
rm -f "$D/lns.ctl"
vm_bg l2tpd-lns-pppd vm_in lns "$B/l2tpd" -D -c "$D/lns-pppd.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_require "LNS (pppd) control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
vm_bg l2tpd-lac-2 vm_in lac "$B/l2tpd" -D -c "$D/lac-plain.conf" -s "$D/secrets" \
    -p "$D/lac.pid" -S "$D/lac.ctl" -C "$D/lac.fifo"
vm_require "LAC -> pppd LNS: PPP up on both ends" vm_wait_for 60 up_both lac lns
lac_ip=$(vm_ppp_addr lac)
vm_check "the LNS runs pppd, the LAC none" sh -c \
    "pgrep -f 'vpnsuite\\.so' >/dev/null && [ \"\$(pgrep -c pppd)\" = 1 ]"
vm_check "LAC interface: $lac_ip peer $PPP_LNS/32, up" \
    if_has lac "$(vm_ppp_ifaces lac | head -n1)" "$lac_ip" "$PPP_LNS"
vm_check "MPPE-128 on the LNS's pppd" \
    grep -q "MPPE 128-bit stateless compression enabled" "$VM_LOGDIR/pppd-lns.log"
vm_check "LAC without MPPE words: MPPE-128 up" grep -q "MPPE-128 up" "$VM_LOGDIR/l2tpd-lac-2.log"
vm_check "ping LAC -> pppd LNS" vm_ping lac "$PPP_LNS" 3
vm_check "ping pppd LNS -> LAC" vm_ping lns "$lac_ip" 3
vm_stop l2tpd-lac-2 10
vm_check "the LAC stopped: nothing left, no pppd" vm_wait_for 30 \
    lac_gone
vm_stop l2tpd-lns-pppd 10
