#!/usr/bin/env bash
# poptop's sample configuration, unchanged, under poptop and under our
# pptpd, side by side in one run: Debian's pptpd package's /etc/pptpd.conf
# and /etc/ppp/pptpd-options as shipped (checked against the package's
# conffile checksums), with only what an operator edits: the sample's
# "localip"/"remoteip" lines uncommented and a user in chap-secrets. Debian's
# poptop (netns srv) serves first, then our pptpd with the same flags
# ("-f", no -c: both find /etc/pptpd.conf themselves); pptp-linux under
# pppd (netns cli), which refuses no authentication method, dials each.
# Each round: the client acked MS-CHAPv2, authenticated, the server asked
# for MPPE-128 and got it,
# the sample's first pool address and its local address, and pings go both
# ways; then the two rounds agree.
# vm-timeout: 300
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/dropin-poptop
SRV_IP=10.99.50.1
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic pptp ppp_mppe
vm_netns_pair srv cli 10.99.50
vm_ppp_clean_options
vm_ppp_no_scripts

# The files as the package ships them: their checksums are dpkg's.
conffile_intact() {
    local want
    want=$(dpkg-query -W -f='${Conffiles}\n' pptpd | awk -v f="$1" '$1 == f { print $2 }')
    [ -n "$want" ] && [ "$(md5sum < "$1" | cut -d' ' -f1)" = "$want" ]
}
vm_require "/etc/pptpd.conf is the package's" conffile_intact /etc/pptpd.conf
vm_require "/etc/ppp/pptpd-options is the package's" conffile_intact /etc/ppp/pptpd-options
vm_require "the sample names its options file" grep -qx 'option /etc/ppp/pptpd-options' /etc/pptpd.conf
# Our pptpd prefers its own file; a fresh install has none.
rm -rf /etc/vpnsuite

# The operator's edits: the sample's address lines, one user.
sed -i -e 's/^#localip 192.168.0.1$/localip 192.168.0.1/' \
    -e 's/^#remoteip 192.168.0.234-238,192.168.0.245$/remoteip 192.168.0.234-238,192.168.0.245/' \
    /etc/pptpd.conf
vm_require "two lines uncommented, nothing else changed" \
    test "$(grep -cvE '^[[:space:]]*(#|$)' /etc/pptpd.conf)" = 4
printf 'vpnuser pptpd "poptop-sample-1" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets

# pptp-linux: the same line of chap-secrets gives its answer. It refuses no
# authentication method; a poptop server wants the client to ask for MPPE
# too (its CCP request must carry it), as every PPTP client guide says.
client_options() {
    cat <<CONF
pty "pptp $SRV_IP --nolaunchpppd"
name vpnuser
remotename pptpd
noauth
noipdefault
nodefaultroute
require-mppe-128
nobsdcomp
nodeflate
debug
logfile $VM_LOGDIR/pppd-cli-$1.log
CONF
}
peer_addr() { ip -n cli -4 -o addr show dev "$(vm_ppp_ifaces cli | head -n1)" | sed -n 's/.* peer \([0-9.]*\).*/\1/p'; }
# acked_auth LOG: the authentication the client agreed to ("chap MS-v2").
acked_auth() { grep -o 'sent \[LCP ConfAck [^]]*' "$1" | grep -o '<auth [^>]*>' | tail -n1 | sed 's/^<auth //; s/>$//'; }
up_both() { [ -n "$(vm_ppp_addr cli 2>/dev/null)" ] && [ -n "$(vm_ppp_addr srv 2>/dev/null)" ]; }
gone() { vm_no_process pppd && [ -z "$(vm_ppp_ifaces srv)$(vm_ppp_ifaces cli)" ]; }

declare -A AUTH ADDR PEER
# round NAME SERVER-BINARY
round() {
    local name=$1 bin=$2 log=$VM_LOGDIR/pppd-cli-$1.log
    vm_log "$name serves the sample"
    vm_bg "$name" vm_in srv "$bin" -f
    vm_require "$name listens on 1723" vm_wait_for 10 sh -c "ip netns exec srv ss -Htln | grep -q ':1723 '"
    client_options "$name" > "$D/options.$name"
    vm_bg "cli-$name" vm_in cli pppd nodetach file "$D/options.$name"
    vm_require "$name: PPP up on both ends" vm_wait_for 60 up_both
    AUTH[$name]=$(acked_auth "$log")
    ADDR[$name]=$(vm_ppp_addr cli)
    PEER[$name]=$(peer_addr)
    vm_check_eq "$name: the client acked MS-CHAPv2" "chap MS-v2" "${AUTH[$name]}"
    vm_check "$name: MS-CHAPv2 login succeeded" grep -q "CHAP authentication succeeded" "$log"
    vm_check "$name: the server asked for MPPE-128" grep -q "rcvd \[CCP ConfReq id=0x[0-9a-f]* <mppe +H -M +S" "$log"
    vm_check "$name: MPPE-128 on the link" grep -q "MPPE 128-bit stateless compression enabled" "$log"
    vm_check_eq "$name: the client has the sample's first pool address" 192.168.0.234 "${ADDR[$name]}"
    vm_check_eq "$name: the server is the sample's localip" 192.168.0.1 "${PEER[$name]}"
    vm_check "$name: ping client -> server" vm_ping cli 192.168.0.1 3
    vm_check "$name: ping server -> client" vm_ping srv "${ADDR[$name]}" 3
    vm_stop "cli-$name" 10
    vm_check "$name: both ends clean after the client hung up" vm_wait_for 30 gone
    vm_stop "$name" 10
    vm_check "$name: no server process left" vm_wait_for 10 sh -c '! ip netns exec srv ss -Htln | grep -q ":1723 "'
}

round poptop /usr/sbin/pptpd
vm_check "poptop's call process gone" vm_wait_for 10 vm_no_process pptpctrl
# With the builtin engine (the scenario matrix) our pptpd reads the sample
# plus the one line that selects it: poptop, which served from the file
# above, knows no such line. Our pptpd finds it at poptop's path all the same.
if [ "$(vm_ppp_engine)" != pppd ]; then
    vm_ppp_engine_conf pptpd >> /etc/pptpd.conf
    vm_require "the sample plus the engine's line" \
        test "$(grep -cvE '^[[:space:]]*(#|$)' /etc/pptpd.conf)" = 5
fi
round vpnsuite "$B/pptpd"
vm_check "vpnsuite read poptop's file (its logwtmp line)" grep -q "/etc/pptpd.conf:[0-9]*: 'logwtmp'" "$VM_LOGDIR/vpnsuite.log"
vm_check "vpnsuite answered the login itself" grep -q "MS-CHAPv2 login accepted" "$VM_LOGDIR/vpnsuite.log"

vm_check_eq "side by side: the same authentication" "${AUTH[poptop]}" "${AUTH[vpnsuite]}"
vm_check_eq "side by side: the same client address" "${ADDR[poptop]}" "${ADDR[vpnsuite]}"
vm_check_eq "side by side: the same server address" "${PEER[poptop]}" "${PEER[vpnsuite]}"
