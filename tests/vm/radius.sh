# shellcheck shell=bash
# What the RADIUS scenarios with a client no one here wrote share: FreeRADIUS
# for alice, bob and tim, the pppd options of each login method, the
# sessions as vpnctl lists them, the detail file, and the checks that read
# the same whoever dials. Sourced after lib.sh and ../radius/freeradius.sh.
#
# The scenario sets, before calling any of these:
#   D            its directory (raddb, radcli.conf, chap-secrets)
#   RV_CTL       the daemon's control socket     RV_LOG    the daemon's log
#   RV_SRV_NS    netns of the daemon (and FreeRADIUS)   RV_CLI_NS  the client's
#   RV_CLI_IP    the client's address            RV_PPP_SRV the daemon's PPP address
#   RV_SRV, RV_CLI     the two ends in check names ("server"/"client", "LNS"/"LAC")
#   RV_DAEMON    the daemon in check names ("daemon", "LNS")
#   RV_CLIENT    the client software in check names ("pptp-linux", "xl2tpd")
#   RV_CALL      what a login makes ("call", "session")
#   RV_SRV_PPPD, RV_CLI_PPPD   prefixes of the pppd logs in $VM_LOGDIR:
#                the daemon's pppd logs to PREFIX-METHOD.log, the client's
#                to PREFIX-NAME.log
#
#   rv_freeradius NAS-ID < USERS   FreeRADIUS up in RV_SRV_NS with USERS
#                (logging each Access-Request), radcli.conf for it (timeout
#                2 s, 2 retries), chap-secrets with another password of alice's
#   rv_lns_conf [LINE...]   $D/lns.conf: l2tpd as LNS with "ppp auth = radius"
#                (DAE on 127.0.0.1:3799), the pool 192.168.79.10-20, local
#                ip $RV_PPP_SRV, pppd options from $D/options.lns; LINEs
#                go to [global]
#   rv_srv_opts / rv_cli_opts METHOD   the method's pppd lines (pap, chap,
#                mschapv2) for the daemon's side and for the client's
#   RV_PPP_COMMON  the pppd lines both sides share
#   ctl, field USER FIELD, user_up USER, user_gone USER, mark, log_has TEXT,
#   log_line_has TEXT MORE, detail_has SID TEXT, stop_session_time SID,
#   dae ATTRS CODE SECRET, in_range N MIN MAX
#   rv_check_pap NAS-PORT-ID-FORMAT TUNNEL-TYPE NAS-IP   (alice up by PAP)
#   rv_check_chap POOL-NAME FIRST LAST                   (bob up by CHAP)
#   rv_check_mschapv2_timeout          (tim up by MS-CHAPv2, until its end)
#   rv_check_coa_wrong_secret INTERIM-PREFIX                (bob up)
#   rv_check_radius_down DIAL-CMD...   FreeRADIUS stopped, a login of bob's
#   rv_check_queued_stop ASID          alice's Stop queued, then delivered
#   rv_check_no_secret WHAT            no secret in the daemon's log

RV_PPP_COMMON='nodefaultroute
lcp-echo-interval 5
lcp-echo-failure 6
mtu 1400
mru 1400
lcp-restart 1
ipcp-restart 1'

rv_freeradius() {
    fr_setup "$D/raddb" radius-secret
    fr_auth_log "$D/raddb"
    cat >> "$D/raddb/users"
    vm_require "FreeRADIUS up" fr_start "$D/raddb" "$RV_SRV_NS"
    vm_on_exit fr_stop "$D/raddb"
    RV_NAS_ID=$1
    fr_radcli_conf "$D/radcli.conf" 127.0.0.1 radius-secret "$RV_NAS_ID" 2 2
    # chap-secrets holds another password for alice: it must not count.
    echo '"alice" * "secrets-pw" *' > "$D/chap-secrets"
    chmod 600 "$D/chap-secrets"
}

rv_lns_conf() {
    {
        echo '[global]'
        (( $# == 0 )) || printf '%s\n' "$@"
        cat <<CONF
dataplane = kernel
ppp auth = radius
ppp secrets = $D/chap-secrets
radius config = $D/radcli.conf
radius dae = 127.0.0.1:3799
radius dae secret = dae-secret
CONF
        vm_lns_default 192.168.79.10-192.168.79.20 "$RV_PPP_SRV" "$D/options.lns"
    } > "$D/lns.conf"
}

rv_srv_opts() {
    case $1 in
    pap) printf 'require-pap\nnoccp\n' ;;
    chap) printf 'require-chap\nnoccp\n' ;;
    mschapv2) printf 'require-mschap-v2\nrequire-mppe-128\n' ;;
    esac
}
rv_cli_opts() {
    case $1 in
    pap) printf 'refuse-chap\nrefuse-mschap\nrefuse-mschap-v2\nrefuse-eap\nnoccp\n' ;;
    chap) printf 'refuse-pap\nrefuse-mschap\nrefuse-mschap-v2\nrefuse-eap\nnoccp\n' ;;
    mschapv2) printf 'refuse-pap\nrefuse-chap\nrefuse-mschap\nrefuse-eap\nrequire-mppe-128\n' ;;
    esac
}

ctl() { "$B/vpnctl" -s "$RV_CTL" -t 5 "$@"; }
field() { # USER FIELD: of that user's call, "" without one
    ctl --json sessions | jq -r --arg u "$1" --arg f "$2" \
        '[.sessions[] | select(.user == $u)][0][$f] // "" | tostring'
}
user_up() { local i; i=$(field "$1" interface); [ -n "$i" ] && [ "$i" != - ]; }
# user_gone USER: no call of USER on the daemon
user_gone() {
    [ "$(ctl --json sessions | jq --arg u "$1" '[.sessions[] | select(.user == $u)] | length')" = 0 ]
}
mark() { mark=$(wc -l < "$RV_LOG"); }
log_has() { tail -n +$((mark + 1)) "$RV_LOG" | grep -qF -- "$1"; }
# log_line_has TEXT MORE: a line since the mark holding both
log_line_has() { tail -n +$((mark + 1)) "$RV_LOG" | grep -F -- "$1" | grep -qF -- "$2"; }
detail() { cat "$D"/raddb/log/radacct/*/detail-* 2>/dev/null; }
detail_rec() { detail | awk -v sid="Acct-Session-Id = \"$1\"" 'BEGIN{RS=""} index($0, sid)'; }
detail_has() { detail_rec "$1" | grep -qF -- "$2"; }
# stop_session_time SID: Acct-Session-Time of that session's Stop
stop_session_time() {
    detail_rec "$1" | awk '/Acct-Status-Type = Stop/ { s = 1 } s && $1 == "Acct-Session-Time" { print $3; exit }'
}
in_range() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= $2 && $1 <= $3 )); }
dae() { # dae ATTRS CODE SECRET: radclient's output
    echo "$1" | vm_in "$RV_SRV_NS" radclient -r 1 -t 2 -x 127.0.0.1:3799 "$2" "$3" 2>&1 || true
}

# rv_check_pap NAS-PORT-ID-FORMAT TUNNEL-TYPE NAS-IP: alice's PAP login with
# her Framed-IP-Address ($ALICE_IP), and the Access-Request as FreeRADIUS
# logged it (NAS-Port-Id: the format of the tunnel's id and the call's)
rv_check_pap() {
    local req id a
    vm_check "pap: alice up" vm_wait_for 60 user_up alice
    vm_check_eq "pap: Framed-IP-Address applied" "$ALICE_IP" "$(field alice remote_ip)"
    vm_check "pap: ping $RV_CLI -> $RV_SRV" vm_ping "$RV_CLI_NS" "$RV_PPP_SRV" 2
    vm_check "pap: ping $RV_SRV -> $RV_CLI" vm_ping "$RV_SRV_NS" "$ALICE_IP" 2
    case $(vm_ppp_engine) in
        pppd) vm_check "pap: the $RV_SRV's pppd did PAP" grep -q "PAP peer authentication succeeded for alice" "$VM_LOGDIR/$RV_SRV_PPPD-pap.log" ;;
        builtin) vm_check "pap: the $RV_SRV's builtin engine did PAP" log_has "authenticated as alice (PAP)" ;;
    esac
    req=$(fr_auth_request "$D/raddb" alice)
    printf '%s\n' "$req" > "$VM_LOGDIR/access-request-alice.txt"
    id=$(field alice id)
    # shellcheck disable=SC2059 # the format is the caller's
    for a in 'User-Name = "alice"' "NAS-IP-Address = $3" "NAS-Identifier = \"$RV_NAS_ID\"" \
        "NAS-Port = $id" "NAS-Port-Id = \"$(printf "$1" "$(field alice tunnel)" "$id")\"" \
        'NAS-Port-Type = Virtual' 'Service-Type = Framed-User' 'Framed-Protocol = PPP' \
        "Calling-Station-Id = \"$RV_CLI_IP\"" "Called-Station-Id = \"$3\"" \
        "Tunnel-Type:0 = $2" 'Tunnel-Medium-Type:0 = IPv4' \
        "Tunnel-Client-Endpoint:0 = \"$RV_CLI_IP\"" "Tunnel-Server-Endpoint:0 = \"$3\"" \
        'Message-Authenticator = 0x'; do
        vm_check "pap: Access-Request has $a" grep -qF -- "$a" <<< "$req"
    done
}

# rv_check_chap POOL-NAME FIRST LAST: bob's CHAP-MD5 login, an address of
# the pool (.FIRST to .LAST) in $addr
rv_check_chap() {
    vm_check "chap: bob up" vm_wait_for 60 user_up bob
    addr=$(field bob remote_ip)
    vm_check "chap: address from '$1' ($addr)" in_range "${addr##*.}" "$2" "$3"
    vm_check "chap: ping $RV_SRV -> $RV_CLI" vm_ping "$RV_SRV_NS" "$addr" 2
    vm_check "chap: $RV_CLIENT's pppd did CHAP" grep -q "CHAP authentication succeeded" "$VM_LOGDIR/$RV_CLI_PPPD-bob.log"
    vm_check "chap: the Access-Request carried CHAP-Password" grep -q 'CHAP-Password = 0x' <<< "$(fr_auth_request "$D/raddb" bob)"
}

# rv_check_mschapv2_timeout: tim's MS-CHAPv2 login (dialled after a mark)
# with MPPE-128 keyed by the Access-Accept, ended by its Session-Timeout 8
rv_check_mschapv2_timeout() {
    local t0 taddr tsid
    vm_check "mschapv2: tim up" vm_wait_for 60 user_up tim
    t0=$(date +%s)
    taddr=$(field tim remote_ip)
    vm_check "mschapv2: ping $RV_CLI -> $RV_SRV (through MPPE)" vm_ping "$RV_CLI_NS" "$RV_PPP_SRV" 2
    case $(vm_ppp_engine) in
        pppd) vm_check "mschapv2: MPPE-128 on the $RV_SRV" grep -q "MPPE 128-bit" "$VM_LOGDIR/$RV_SRV_PPPD-mschapv2.log" ;;
        builtin) vm_check "mschapv2: MPPE-128 on the $RV_SRV (builtin engine)" log_has "MPPE-128 up" ;;
    esac
    vm_check "mschapv2: MPPE-128 on $RV_CLIENT's side" grep -q "MPPE 128-bit" "$VM_LOGDIR/$RV_CLI_PPPD-tim.log"
    # The daemon knows no password of tim's: its MPPE keys are the Access-Accept's.
    vm_check "mschapv2: the MPPE keys came from RADIUS" log_line_has "login of 'tim' ($RV_CLI_IP): RADIUS Access-Accept" "address $taddr (pool), MPPE keys from RADIUS"
    vm_check "mschapv2: the Access-Request carried MS-CHAP2-Response" grep -q 'MS-CHAP2-Response = 0x' <<< "$(fr_auth_request "$D/raddb" tim)"
    vm_check_eq "mschapv2: vpnctl shows Session-Timeout 8" 8 "$(field tim session_timeout)"
    tsid=$(field tim acct_session_id)
    vm_check "Session-Timeout: tim's $RV_CALL ended" vm_wait_for 25 user_gone tim
    vm_check "... 6..14 s after it was seen up" in_range $(( $(date +%s) - t0 )) 6 14
    vm_check "... Stop with Session-Timeout" vm_wait_for 10 detail_has "$tsid" "Acct-Terminate-Cause = Session-Timeout"
    vm_check "... Stop's Acct-Session-Time 8 (7..9)" in_range "$(stop_session_time "$tsid")" 7 9
}

# rv_check_coa_wrong_secret INTERIM-PREFIX: bob (up, Acct-Interim-Interval
# 10) keeps his Session-Timeout through a CoA with a wrong secret, and an
# Interim-Update of his arrives; his Acct-Session-Id in $bsid
rv_check_coa_wrong_secret() {
    local out
    bsid=$(field bob acct_session_id)
    out=$(dae "User-Name=bob,Session-Timeout=3" coa wrong-secret)
    vm_check "CoA with a wrong secret: no answer" grep -q "No reply" <<< "$out"
    vm_check_eq "... bob's Session-Timeout unchanged" 0 "$(field bob session_timeout)"
    vm_check "${1}Interim-Update in the detail file (interval 10 s)" vm_wait_for 20 detail_has "$bsid" "Acct-Status-Type = Interim-Update"
}

# rv_check_radius_down DIAL-CMD...: FreeRADIUS stopped, DIAL-CMD dials a
# login of bob's: it fails within timeout x retries while the daemon's
# control socket answers within 100 ms
rv_check_radius_down() {
    local watch watch_pid
    fr_stop "$D/raddb"
    mark
    python3 tests/vm/radius_ctl_watch.py "$RV_CTL" 40 > "$D/watch.out" &
    watch_pid=$!
    sleep 1
    "$@"
    wait "$watch_pid" || true
    watch=$(cat "$D/watch.out")
    vm_log "while RADIUS times out: $watch (timeout x retries = 4000 ms)"
    vm_check "the $RV_DAEMON answered within 100 ms meanwhile" in_range "$(sed -n 's/.*worst_ms=\([0-9]*\).*/\1/p' <<< "$watch")" 0 100
    vm_check "the login failed within timeout x retries (3.5..5 s)" in_range "$(sed -n 's/.*login_ms=\([0-9-]*\).*/\1/p' <<< "$watch")" 3500 5000
    vm_check "... logged as a RADIUS timeout" vm_wait_for 10 log_has "login of 'bob' ($RV_CLI_IP): RADIUS timeout"
}

# rv_check_queued_stop ASID: alice's call ended while FreeRADIUS is down:
# her Stop queued, delivered with Acct-Delay-Time once it is back
rv_check_queued_stop() {
    vm_check "alice's Stop queued" vm_wait_for 10 sh -c "[ \"\$('$B/vpnctl' -s '$RV_CTL' --json status | jq .radius.acct_queued)\" -ge 1 ]"
    vm_check "FreeRADIUS back" fr_start "$D/raddb" "$RV_SRV_NS"
    vm_check "alice's queued Stop arrives" vm_wait_for 30 detail_has "$1" "Acct-Status-Type = Stop"
    vm_check "... with Acct-Delay-Time" detail_has "$1" "Acct-Delay-Time = "
}

# rv_check_no_secret WHAT: none of the secrets in the daemon's log
rv_check_no_secret() {
    vm_check "no secret in the $1 log" sh -c "! grep -q -e radius-secret -e dae-secret -e alice-pw -e bob-pw -e tim-pw -e secrets-pw '$RV_LOG'"
}
