# A private Postfix (Debian's) for mail tests, sourced by test_mail_out.sh and the mail crash
# test: config, queue and data dirs under DIR, smtpd on 127.0.0.1:PORT only, mail for
# alice@desk.test (an alias) delivered to the Maildir MAILDIR/ (new/ holds one file per
# message); log in DIR/maillog. Needs root (Postfix drops to mail_owner = postfix).
# `pf_start DIR MAILDIR` sets PF_PORT to the port smtpd listens on.
pf_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# Does smtpd on 127.0.0.1:PORT greet with this instance's banner (DIR's token)? A port picked
# free can be taken by a parallel test before Postfix binds it; a bare connect would then
# succeed on the other process.
_pf_ours() { # PORT TOKEN
  python3 - "$1" "$2" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)
s.settimeout(5)
banner = s.recv(512).decode("latin-1")
s.sendall(b"QUIT\r\n")
sys.exit(0 if banner.startswith("220 ") and sys.argv[2] in banner else 1)
PY
}
# Postfix cannot bind port 0 and report it, so the port is picked free and closed first; when
# its master could not bind it (it exits) or another process answers there, Postfix is
# stopped and started again on a newly picked port (up to 5 tries).
pf_start() {
  local dir=$1 maildir=$2 try t0 token
  token="sdtest-$(basename "$(dirname "$dir")")-$$"
  for try in 1 2 3 4 5; do
    PF_PORT=$(pf_free_port)
    _pf_config "$dir" "$PF_PORT" "$maildir" "$token"
    postfix -c "$dir/conf" start >/dev/null 2>&1 || true
    t0=$SECONDS
    while [ $((SECONDS - t0)) -lt 30 ]; do
      _pf_ours "$PF_PORT" "$token" && return 0
      # the master exits when it cannot bind its port (status: after it had time to start)
      if [ $((SECONDS - t0)) -ge 3 ] && ! postfix -c "$dir/conf" status >/dev/null 2>&1; then
        break
      fi
      sleep 0.1
    done
    echo "postfix.sh: smtpd did not answer on 127.0.0.1:$PF_PORT (try $try); starting again" >&2
    pf_stop "$dir"
  done
  echo "postfix did not start" >&2; return 1
}
_pf_config() { # DIR PORT MAILDIR TOKEN
  local dir=$1 port=$2 maildir=$3 token=$4
  mkdir -p "$dir/conf" "$dir/queue" "$dir/data" "$maildir"
  chmod 755 "$dir" "$dir/conf"
  chown postfix "$dir/data"
  chown nobody "$maildir" # local(8) writes alias deliveries as default_privs
  cat > "$dir/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = mx.desk.test
mydomain = desk.test
myorigin = desk.test
mydestination = desk.test
mynetworks = 127.0.0.0/8
alias_maps = hash:$dir/conf/aliases
alias_database = hash:$dir/conf/aliases
local_recipient_maps = \$alias_maps
smtpd_relay_restrictions = permit_mynetworks, reject
default_transport = error:no external mail in tests
maillog_file_prefixes = $dir
maillog_file = $dir/maillog
biff = no
smtputf8_enable = no
smtpd_banner = \$myhostname ESMTP $token
CF
  cat > "$dir/conf/master.cf" <<CF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
  printf 'alice: %s/\n' "$maildir" > "$dir/conf/aliases"
  postalias -c "$dir/conf" "$dir/conf/aliases"
}
pf_stop() { postfix -c "$1/conf" stop >/dev/null 2>&1 || true; }
# pf_reload DIR: `postfix reload` and wait (up to 30 s) until the master logged that it re-read
# the configuration ("reload -- version"): the command only signals the master, and a mail
# sent before the master acted goes by the old configuration.
pf_reload() {
  local dir=$1 n0
  n0=$(grep -c 'reload -- version' "$dir/maillog" 2>/dev/null || true)
  postfix -c "$dir/conf" reload >/dev/null 2>&1
  for _ in $(seq 300); do
    [ "$(grep -c 'reload -- version' "$dir/maillog" 2>/dev/null || true)" -gt "${n0:-0}" ] &&
      return 0
    sleep 0.1
  done
  echo "postfix did not reload" >&2; return 1
}
# pf_skip_unless_root: exit 0 with a clear message when Postfix cannot run here.
pf_skip_unless_root() {
  if [ "$(id -u)" -ne 0 ]; then echo "SKIP: the Postfix mail test needs root"; exit 0; fi
  if ! command -v postfix >/dev/null; then echo "SKIP: postfix is not installed"; exit 0; fi
}
