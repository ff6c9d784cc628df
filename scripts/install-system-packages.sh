#!/usr/bin/env bash
# Debian packages Vigie needs: Tesseract OCR (French + English) and the fonts of the synthetic documents.
# As root: installs what is missing (fast when all is there). Otherwise: prints the exact command to run.
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng
          fonts-liberation fonts-dejavu-core fonts-freefont-ttf fonts-linuxlibertine
          fonts-crosextra-carlito fonts-crosextra-caladea
          fonts-ecolier-court fonts-dkg-handwriting fonts-dancingscript fonts-kaushanscript)
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-packages: not a Debian system; install Tesseract 5 with French data and the fonts by hand" >&2
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "install-system-packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-system-packages: missing Debian packages; run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
fi
