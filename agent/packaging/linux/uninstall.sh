#!/bin/sh
# Removes the ml-connector agent: stops and disables the service and deletes the program files.
# The config dir (enrollment, key) is kept unless --purge is given.
#   sudo ./uninstall.sh [--prefix DIR] [--config-dir DIR] [--root DIR] [--purge]
set -eu

prefix=/opt/mlc-agent
config_dir=/etc/mlc-agent
root=
purge=no
unit_name=mlc-agent.service

die() { echo "uninstall.sh: $*" >&2; exit 64; }
need() { [ "$#" -ge 2 ] || die "$1 needs a value"; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    --prefix) need "$@"; prefix=$2; shift 2 ;;
    --config-dir) need "$@"; config_dir=$2; shift 2 ;;
    --root) need "$@"; root=$2; shift 2 ;;
    --purge) purge=yes; shift ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root"
case "$prefix" in /?*) ;; *) die "--prefix must be an absolute path other than /" ;; esac
case "$config_dir" in /?*) ;; *) die "--config-dir must be an absolute path other than /" ;; esac
if [ -n "$root" ]; then root=$(readlink -f "$root"); fi

if [ -z "$root" ] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now "$unit_name" 2>/dev/null || true
fi
rm -f "$root/etc/systemd/system/$unit_name"
if [ -z "$root" ] && command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload || true; fi

[ -f "$root$prefix/bin/mlc-agent" ] || [ ! -e "$root$prefix" ] || die "$root$prefix does not look like an mlc-agent install; not removing it"
rm -rf "$root$prefix"
echo "removed $root$prefix and $unit_name"

if [ "$purge" = yes ]; then
  rm -rf "$root$config_dir"
  echo "removed $root$config_dir (--purge)"
else
  echo "kept $root$config_dir (enrollment and key); remove it with --purge"
fi
