#!/usr/bin/env bash
# Debian packages the tests need that npm cannot provide: Chromium for the e2e tests (never a
# downloaded browser), the OpenEXR and pfstools readers that validate exported EXR files,
# ImageMagick/exiftool for fixture variants, OpenCV (python3) for reference comparisons, LibRaw's
# dcraw_emu as an independent RAW decoder, LittleCMS (through PIL) for ICC profiles, tiffinfo, and
# published ICC profiles (icc-profiles-free) whose tone curves the profile reader is tested on.
# Installs only what is missing; needs root (or sudo) on Debian/Ubuntu.
set -euo pipefail

declare -A WANT=(
  [chromium]=/usr/bin/chromium
  [openexr]=/usr/bin/exrheader
  [pfstools]=/usr/bin/pfsin
  [imagemagick]=/usr/bin/convert
  [libimage-exiftool-perl]=/usr/bin/exiftool
  [python3-opencv]=/usr/lib/python3/dist-packages/cv2
  [libraw-bin]=/usr/bin/dcraw_emu
  [python3-pil]=/usr/lib/python3/dist-packages/PIL
  [libtiff-tools]=/usr/bin/tiffinfo
  [icc-profiles-free]=/usr/share/color/icc/compatibleWithAdobeRGB1998.icc
)

missing=()
for pkg in "${!WANT[@]}"; do
  [ -e "${WANT[$pkg]}" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
