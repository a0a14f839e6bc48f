#!/usr/bin/env bash
# A Java 17 base image built from Debian packages, for testing the agent's image on a machine that
# cannot pull from a registry: mmdebstrap makes a bookworm root file system with
# openjdk-17-jre-headless, which is wrapped into a one-layer docker-archive tar (what `docker save`
# writes, and what Jib reads as a tar:// base image).
#
# Usage: base-image.sh OUTPUT.tar
# The root file system is cached in ${STACKLENS_CACHE:-~/.cache/stacklens} (it takes a few minutes
# and ~100 MB of downloads); delete it there to rebuild. Installs mmdebstrap when missing (Debian).
set -euo pipefail
out="$1"
cache="${STACKLENS_CACHE:-$HOME/.cache/stacklens}"
rootfs="$cache/base-bookworm-jre17.tar"
mkdir -p "$cache" "$(dirname "$out")"

if [ ! -s "$rootfs" ]; then
  if ! command -v mmdebstrap >/dev/null; then
    echo "base-image: installing mmdebstrap" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq mmdebstrap >&2
    else sudo apt-get update -qq && sudo apt-get install -y -qq mmdebstrap >&2; fi
  fi
  echo "base-image: building a bookworm root file system with openjdk-17-jre-headless" >&2
  # (No path-exclude of /usr/share/man: openjdk's postinst registers its man pages as alternatives.)
  mmdebstrap --quiet --format=tar --variant=apt --include=openjdk-17-jre-headless,ca-certificates \
    bookworm "$rootfs.partial" >&2
  mv "$rootfs.partial" "$rootfs"
fi

python3 - "$rootfs" "$out" <<'PY'
import hashlib, io, json, os, sys, tarfile
rootfs, out = sys.argv[1], sys.argv[2]
digest = hashlib.sha256()
with open(rootfs, 'rb') as f:
    for chunk in iter(lambda: f.read(1 << 20), b''):
        digest.update(chunk)
diff_id = 'sha256:' + digest.hexdigest()
java_home = '/usr/lib/jvm/java-17-openjdk-amd64'
config = json.dumps({
    'architecture': 'amd64', 'os': 'linux',
    'config': {'Env': ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
                       'JAVA_HOME=' + java_home, 'LANG=C.UTF-8']},
    'rootfs': {'type': 'layers', 'diff_ids': [diff_id]},
}, sort_keys=True).encode()
config_name = hashlib.sha256(config).hexdigest() + '.json'
layer_name = digest.hexdigest() + '/layer.tar'
manifest = json.dumps([{'Config': config_name, 'RepoTags': ['stacklens-test-base:bookworm-jre17'],
                        'Layers': [layer_name]}]).encode()
tmp = out + '.partial'
with tarfile.open(tmp, 'w') as tar:
    for name, data in ((config_name, config), ('manifest.json', manifest)):
        info = tarfile.TarInfo(name); info.size = len(data); tar.addfile(info, io.BytesIO(data))
    tar.add(rootfs, arcname=layer_name)
os.replace(tmp, out)
PY
echo "base-image: $out" >&2
