#!/bin/sh
# Turns a fresh debootstrap tree into the base the stand-in images build on.
# usage: prepare-rootfs.sh ROOTFS SUITE MIRROR SECURITY_MIRROR
set -eu
rootfs=$1 suite=$2 mirror=$3 security=$4

# Package installs in `docker build` must never start a service.
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"

cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
SOURCES

cat > "$rootfs/etc/apt/apt.conf.d/90fanin" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
APT

# Smaller layers: no documentation, no package lists (every build runs `apt-get update`).
cat > "$rootfs/etc/dpkg/dpkg.cfg.d/90fanin-nodoc" <<'DPKG'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
DPKG
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
# update-alternatives (run by the JDK's postinst) still links its man pages into man1/.
mkdir -p "$rootfs/usr/share/man/man1"
