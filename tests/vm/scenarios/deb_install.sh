#!/usr/bin/env bash
# The Debian package (make check-deb builds it into build/deb) installed in
# the VM with dpkg: the daemons run from the installed paths with the
# installed units' ExecStart, by hand (no systemd in the VM), and READY=1
# arrives on a NOTIFY_SOCKET the test provides. The installed l2tpd serves
# a LAC (also the installed one) over the kernel data path; its metrics
# endpoint, scraped while pings flow, agrees with vpnctl status, vpnctl
# sessions and the ppp interface's own counters.
# vm-timeout: 420
source "$(dirname "$0")/../lib.sh"

D=/tmp/deb-install
LNS_IP=10.99.7.1
PPP_LNS=192.168.79.1
METRICS=$LNS_IP:9571
mkdir -p "$D"

deb=$(ls build/deb/vpnsuite_*.deb 2>/dev/null | tail -n 1)
vm_require "a .deb in build/deb (make check-deb)" test -n "$deb"
# No init system runs here: maintainer scripts must not try services (the
# usual policy-rc.d of chroots). The package replaces poptop's pptpd
# (Conflicts): the host has it for the interop scenarios, so it goes
# first, in the guest's overlay only.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
vm_require "dpkg --remove pptpd (guest only)" sh -c "dpkg --remove pptpd > '$VM_LOGDIR/dpkg-remove.log' 2>&1"
vm_require "dpkg -i $deb" sh -c "dpkg -i '$deb' > '$VM_LOGDIR/dpkg.log' 2>&1"
for f in /usr/sbin/l2tpd /usr/sbin/pptpd /usr/sbin/vpnctl /lib/systemd/system/l2tpd.service \
    /lib/systemd/system/pptpd.service /usr/lib/modules-load.d/vpnsuite.conf; do
    vm_check "installed: $f" test -e "$f"
done
vm_check "the plugin is in pppd's plugin directory" \
    sh -c 'ls /usr/lib/pppd/*/vpnsuite.so'
vm_check "man l2tpd renders" sh -c 'man -l /usr/share/man/man8/l2tpd.8.gz > /dev/null'
# What systemd-modules-load would do at boot with the installed list.
vm_require "modules of modules-load.d/vpnsuite.conf load" \
    vm_modprobe $(grep -v '^#' /usr/lib/modules-load.d/vpnsuite.conf)

vm_netns_pair lns lac 10.99.7
vm_ppp_clean_options
vm_ppp_no_scripts
printf '"debuser" "lns" "deb-secret" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets

# The installed configuration files, as an operator edits them.
cat > /etc/vpnsuite/l2tpd.conf <<CONF
[global]
listen-addr = $LNS_IP
metrics listen = $METRICS
$(vm_ppp_engine_conf l2tpd)
[lns default]
ip range = 192.168.79.10-192.168.79.20
local ip = $PPP_LNS
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
hostname = lns
pppoptfile = $D/options.lns
CONF
printf 'logfile %s/pppd-lns.log\n%s\n' "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lns"
cat > /etc/vpnsuite/pptpd.conf <<CONF
localip 192.168.80.1
remoteip 192.168.80.10-20
listen $LNS_IP
$(vm_ppp_engine_conf pptpd)
CONF
cat > "$D/lac.conf" <<CONF
[global]
dataplane = kernel
control socket = $D/lac.ctl
[lac one]
lns = $LNS_IP
autodial = yes
redial = no
hostname = lac
name = debuser
password = deb-secret
pppoptfile = $D/options.lac
CONF
printf 'logfile %s/pppd-lac.log\nremotename lns\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n' \
    "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lac"

# notify_listen NAME: a datagram socket $D/NAME.notify, messages to $D/NAME.msgs.
notify_listen() {
    vm_bg "notify-$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode() + "\n")' "$D/$1.notify" "$D/$1.msgs"
    vm_require "notify socket $1" vm_wait_for 10 test -S "$D/$1.notify"
}
exec_start() { sed -n 's/^ExecStart=//p' "/lib/systemd/system/$1.service"; }

vm_log "pptpd from its unit's ExecStart: $(exec_start pptpd)"
notify_listen pptpd
# shellcheck disable=SC2046
NOTIFY_SOCKET=$D/pptpd.notify vm_bg pptpd vm_in lns $(exec_start pptpd)
vm_check "pptpd: READY=1 on NOTIFY_SOCKET" vm_wait_for 20 grep -qx READY=1 "$D/pptpd.msgs"
vm_check "pptpd: the installed vpnctl reaches it" vpnctl --pptp status
vm_stop pptpd 10
vm_check "pptpd: STOPPING=1" grep -qx STOPPING=1 "$D/pptpd.msgs"

vm_log "l2tpd from its unit's ExecStart: $(exec_start l2tpd)"
notify_listen l2tpd
# shellcheck disable=SC2046
NOTIFY_SOCKET=$D/l2tpd.notify vm_bg l2tpd vm_in lns $(exec_start l2tpd)
vm_require "l2tpd: READY=1 on NOTIFY_SOCKET" vm_wait_for 20 grep -qx READY=1 "$D/l2tpd.msgs"
vm_check "l2tpd: pid file where the unit's RuntimeDirectory is" test -s /run/vpnsuite/l2tpd.pid
vm_bg lac vm_in lac /usr/sbin/l2tpd -D -c "$D/lac.conf" -p "$D/lac.pid"

sessions_field() { vpnctl --json sessions | jq -r ".sessions[0].$1 // empty"; }
ppp_up() { [ -n "$(sessions_field interface | grep -v '^-$')" ]; }
vm_require "PPP up through the installed daemons" vm_wait_for 60 ppp_up
lac_ip=$(vm_ppp_addr lac)
vm_check "ping LAC -> LNS" vm_ping lac "$PPP_LNS" 20
vm_check "STATUS counts the session" vm_wait_for 5 grep -qx "STATUS=1 tunnels, 1 sessions" "$D/l2tpd.msgs"

iface=$(sessions_field interface)
page=$(vm_in lns curl -sf --max-time 5 "http://$METRICS/metrics")
printf '%s\n' "$page" > "$VM_LOGDIR/metrics.txt"
metric() { awk -v k="$1" '$1 == k { print $2 }' <<< "$page"; }
st=$(vpnctl --json status)
sess=$(vpnctl --json sessions)
vm_check "the page passes promtool check metrics" sh -c "promtool check metrics < '$VM_LOGDIR/metrics.txt'"
vm_check_eq "metrics: established sessions = vpnctl status" \
    "$(jq .sessions <<< "$st")" "$(metric 'l2tpd_sessions{state="established"}')"
vm_check_eq "metrics: established tunnels = vpnctl status" \
    "$(jq .tunnels <<< "$st")" "$(metric 'l2tpd_tunnels{state="established"}')"
vm_check_eq "metrics: one login accepted" 1 "$(metric 'l2tpd_logins_total{result="ok"}')"
vm_check_eq "metrics: one session set up" 1 "$(metric l2tpd_session_setups_total)"
# pppd_starts_total counts the pppd processes the daemon started: the
# session's, or none when the builtin engine runs its PPP.
case $(vm_ppp_engine) in
    pppd) vm_check_eq "metrics: one pppd started" 1 "$(metric l2tpd_pppd_starts_total)" ;;
    builtin) vm_check_eq "metrics: no pppd started (builtin engine)" 0 "$(metric l2tpd_pppd_starts_total)" ;;
esac
# One session since start: the totals are its kernel counters.
m_rx=$(metric l2tpd_receive_packets_total) s_rx=$(jq '.sessions[0].rx_packets' <<< "$sess")
if_rx=$(ip -n lns -s -j link show dev "$iface" | jq '.[0].stats64.rx.packets')
vm_log "rx packets: metrics $m_rx, vpnctl $s_rx, $iface $if_rx"
vm_check "metrics rx packets = vpnctl sessions (both kernel L2TP counters)" \
    test "$m_rx" -le "$s_rx" -a "$m_rx" -ge $((s_rx - 2))
# The interface counts IP packets; the L2TP session also carries PPP's own
# (LCP echoes, IPCP) that pppd reads from the channel.
vm_check "metrics rx packets cover the interface's ($if_rx) plus PPP control (< 30)" \
    test "$m_rx" -ge "$if_rx" -a "$m_rx" -le $((if_rx + 30))
m_rxb=$(metric l2tpd_receive_bytes_total)
if_rxb=$(ip -n lns -s -j link show dev "$iface" | jq '.[0].stats64.rx.bytes')
vm_check "metrics rx bytes ($m_rxb) >= the interface's ($if_rxb), at most 20 % + 2000 more (PPP headers, control)" \
    test "$m_rxb" -ge "$if_rxb" -a "$m_rxb" -le $((if_rxb * 12 / 10 + 2000))

vm_stop lac 15
teardown_counted() {
    vm_in lns curl -sf "http://$METRICS/metrics" | grep -qx 'l2tpd_session_teardowns_total 1'
}
vm_check "the LAC's session is counted down" vm_wait_for 20 teardown_counted
vm_stop l2tpd 15
vm_check "l2tpd: STOPPING=1" grep -qx STOPPING=1 "$D/l2tpd.msgs"
vm_check "no pppd left" vm_wait_for 15 vm_no_process pppd
