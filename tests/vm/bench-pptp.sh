#!/usr/bin/env bash
# Figures for docs/BENCHMARKS.md ("PPTP in the VM"): the same client (our
# pptpd client, kernel GRE) against our pptpd server (kernel GRE, daemon
# logins) and against poptop (GRE in user space through pptpctrl), both
# requiring MS-CHAPv2 with MPPE-128: call setup time (vpnctl pptp connect
# until the client's ppp interface has its address; median of 3) and
# iperf3 throughput over the call (3 s, client -> server).
# vm-timeout: 900
source "$(dirname "$0")/lib.sh"

B=$PWD/build
D=/tmp/pptpd-measure
SRV_IP=10.99.5.1
ROUNDS=3
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic pptp ppp_mppe
vm_netns_pair srv cli 10.99.5
vm_ppp_clean_options

printf 'bob pptpd "bob-pw" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
printf 'bob pptpd "bob-pw" *\n' > "$D/chap-secrets"
chmod 600 "$D/chap-secrets"

# The same options for both servers' pppd: pptpd's built-in defaults.
printf 'auth\nrequire-mschap-v2\nrequire-mppe-128\nname pptpd\n' > "$D/options.server"
cat > "$D/vpnsuite.conf" <<CONF
listen $SRV_IP
option $D/options.server
localip 192.168.83.1
remoteip 192.168.83.10-19
ppp-secrets $D/chap-secrets
CONF
cat > "$D/poptop.conf" <<CONF
option $D/options.server
listen $SRV_IP
pidfile $D/poptop.pid
localip 192.168.83.1
remoteip 192.168.83.10-19
CONF
printf '[client s]\nserver = %s\nuser = bob\npassword = bob-pw\nredial = no\n' "$SRV_IP" > "$D/clients.conf"
printf 'connections 0\nclients %s\n' "$D/clients.conf" > "$D/cli.conf"

ctl() { "$B/vpnctl" -s "$D/cli.ctl" -t 5 "$@"; }
has_addr() { [ -n "$(vm_ppp_addr cli 2>/dev/null)" ]; }
calls_gone() {
    vm_no_process pppd && [ -z "$(vm_ppp_ifaces srv)$(vm_ppp_ifaces cli)" ] &&
        [ "$(cat /sys/module/pptp/refcnt)" = 0 ]
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

vm_bg pptpd-cli vm_in cli "$B/pptpd" -f -c "$D/cli.conf" -p "$D/cli.pid" -C "$D/cli.ctl"
vm_require "client control socket up" vm_wait_for 10 test -S "$D/cli.ctl"

# measure NAME: setup times and throughput against the server running now.
measure() {
    local name=$1 i t0 ms times=() rate
    for (( i = 1; i <= ROUNDS; i++ )); do
        t0=$(date +%s%N)
        ctl pptp connect s >/dev/null
        vm_require "$name: call $i up" vm_wait_for 60 has_addr
        ms=$(( ($(date +%s%N) - t0) / 1000000 ))
        times+=("$ms")
        if (( i < ROUNDS )); then
            ctl pptp disconnect s >/dev/null
            vm_require "$name: call $i gone" vm_wait_for 30 calls_gone
        fi
    done
    vm_check "$name: ping over the call" vm_ping cli 192.168.83.1 2
    vm_bg iperf3-server vm_in srv iperf3 -s -1 -B 192.168.83.1
    vm_require "$name: iperf3 server listens" vm_wait_for 10 sh -c 'ip netns exec srv ss -Htln | grep -q ":5201 "'
    vm_in cli iperf3 -c 192.168.83.1 -t 3 -f m > "$VM_LOGDIR/iperf3-$name.log" 2>&1 || true
    vm_stop iperf3-server
    rate=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") r = $i } END { print r }' "$VM_LOGDIR/iperf3-$name.log")
    vm_check "$name: iperf3 reports a throughput" test -n "$rate"
    ctl pptp disconnect s >/dev/null
    vm_check "$name: nothing left" vm_wait_for 30 calls_gone
    printf 'RESULT %-16s setup ms: %s (median %s)  iperf3: %s Mbits/sec\n' "$name" \
        "${times[*]}" "$(printf '%s\n' "${times[@]}" | median)" "${rate:-?}" | tee -a "$VM_LOGDIR/results.txt"
}

vm_bg pptpd-srv vm_in srv "$B/pptpd" -f -c "$D/vpnsuite.conf" -p "$D/srv.pid" -C "$D/srv.ctl"
vm_require "our server's control socket up" vm_wait_for 10 test -S "$D/srv.ctl"
measure vpnsuite-pptpd
vm_stop pptpd-srv 10

vm_bg poptop vm_in srv /usr/sbin/pptpd -f -c "$D/poptop.conf"
vm_require "poptop listens" vm_wait_for 10 sh -c "ip netns exec srv ss -Htln | grep -q '$SRV_IP:1723 '"
measure poptop
vm_stop poptop 10
vm_stop pptpd-cli 10
vm_check "no pptpd left" vm_no_process pptpd
vm_check "no pptpctrl left" vm_no_process pptpctrl
cat "$VM_LOGDIR/results.txt"
