#!/bin/sh
# Installs the ml-connector agent as a systemd service. Run as root from the unpacked package:
#   sudo ./install.sh [--prefix DIR] [--config-dir DIR] [--user NAME] [--relay URL --token T [--ca FILE]] [--no-start]
# --root DIR installs everything under DIR (for tests and image builds): no user is created and
# systemctl is not called.
set -eu

prefix=/opt/mlc-agent
config_dir=/etc/mlc-agent
user=mlc-agent
root=
relay=
token=
ca=
start=yes
unit_name=mlc-agent.service

die() { echo "install.sh: $*" >&2; exit 64; }
need() { [ "$#" -ge 2 ] || die "$1 needs a value"; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    --prefix) need "$@"; prefix=$2; shift 2 ;;
    --config-dir) need "$@"; config_dir=$2; shift 2 ;;
    --user) need "$@"; user=$2; shift 2 ;;
    --root) need "$@"; root=$2; shift 2 ;;
    --relay) need "$@"; relay=$2; shift 2 ;;
    --token) need "$@"; token=$2; shift 2 ;;
    --ca) need "$@"; ca=$2; shift 2 ;;
    --no-start) start=no; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root (sudo ./install.sh ...)"
case "$prefix$config_dir" in *[!A-Za-z0-9/._-]*) die "--prefix and --config-dir may hold only letters, digits and / . _ -" ;; esac
case "$prefix" in /*) ;; *) die "--prefix must be an absolute path" ;; esac
case "$config_dir" in /*) ;; *) die "--config-dir must be an absolute path" ;; esac
if [ -n "$relay$token" ] && { [ -z "$relay" ] || [ -z "$token" ]; }; then die "--relay and --token go together"; fi
if [ -n "$root" ]; then root=$(readlink -f "$root"); fi

src=$(dirname "$(readlink -f "$0")")
[ -x "$src/runtime/node" ] && [ -f "$src/app/dist/cli/agent.cli.js" ] || die "run install.sh from the unpacked package"

if id -u "$user" >/dev/null 2>&1; then
  :
elif [ -z "$root" ]; then
  useradd --system --no-create-home --home-dir "$config_dir" --shell /usr/sbin/nologin "$user"
  echo "created service user $user"
else
  echo "user $user does not exist; --root install: not creating it, files stay owned by $(id -un)"
fi
user_exists() { id -u "$user" >/dev/null 2>&1; }
group=$user
if user_exists; then group=$(id -gn "$user"); fi

if [ -z "$root" ] && systemctl is-active --quiet "$unit_name" 2>/dev/null; then
  echo "stopping the running $unit_name for the upgrade"
  systemctl stop "$unit_name"
fi

# Program files: replaced as a whole, owned by root, read-only to the service.
dest="$root$prefix"
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$src/runtime" "$src/app" "$src/bin" "$dest/"
cp "$src/uninstall.sh" "$src/VERSION" "$dest/"
chown -R 0:0 "$dest"
chmod -R go-w "$dest"
echo "installed $(cat "$src/VERSION") in $dest"

# The agent home: config, key and status socket; only the service user may enter.
home="$root$config_dir"
mkdir -p "$home"
chmod 0700 "$home"
if user_exists; then chown "$user:$group" "$home"; fi
echo "config dir $home (0700)"

unit_dir="$root/etc/systemd/system"
mkdir -p "$unit_dir"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@CONFIG_DIR@|$config_dir|g" -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g" \
  "$src/mlc-agent.service.in" > "$unit_dir/$unit_name"
chmod 0644 "$unit_dir/$unit_name"
echo "systemd unit $unit_dir/$unit_name"

# Runs the installed CLI against the installed home, as the service user when there is one.
as_service() {
  if user_exists && [ "$user" != "$(id -un)" ]; then
    runuser -u "$user" -- env MLC_AGENT_HOME="$home" "$dest/bin/mlc-agent" "$@"
  else
    MLC_AGENT_HOME="$home" "$dest/bin/mlc-agent" "$@"
  fi
}

if [ -n "$relay" ]; then
  if [ -n "$ca" ]; then
    cp "$ca" "$home/relay-ca.pem"
    chmod 0600 "$home/relay-ca.pem"
    if user_exists; then chown "$user:$group" "$home/relay-ca.pem"; fi
    # The service reads the CA from its own home; ProtectHome hides the operator's copy.
    set -- --ca "$config_dir/relay-ca.pem"
    [ -z "$root" ] || set -- --ca "$home/relay-ca.pem"
  else
    set --
  fi
  echo "enrolling with $relay"
  as_service enroll --relay "$relay" --token "$token" --home "$home" "$@"
  echo "checking the connection (mlc-agent doctor)"
  doctor_code=0
  as_service doctor --home "$home" || doctor_code=$?
  case "$doctor_code" in
    0) echo "doctor: OK" ;;
    1) echo "doctor: WARNING - the agent will run; see the advice above" ;;
    *) echo "doctor: CRITICAL (exit $doctor_code) - fix the steps above, then: systemctl restart $unit_name" ;;
  esac
fi

if [ -n "$root" ]; then
  echo "--root install: systemctl not called"
  exit 0
fi
systemctl daemon-reload
systemctl enable "$unit_name" >/dev/null
if [ "$start" = no ]; then
  echo "enabled $unit_name; not started (--no-start)"
elif [ -f "$config_dir/agent.json" ]; then
  systemctl restart "$unit_name"
  echo "started $unit_name"
else
  echo "enabled $unit_name; not started: enroll first with"
  echo "  sudo -u $user MLC_AGENT_HOME=$config_dir $prefix/bin/mlc-agent enroll --relay URL --token T && sudo systemctl start $unit_name"
fi
