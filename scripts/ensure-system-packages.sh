#!/usr/bin/env bash
# Installs the system packages Envoice needs where they are missing (Debian/Ubuntu apt-get).
#   ocr      tesseract-ocr with English and Estonian, poppler-utils
#   browser  Debian's chromium for the Playwright tests
set -euo pipefail
want=()
for group in "$@"; do
  case "$group" in
    ocr)
      command -v tesseract >/dev/null || want+=(tesseract-ocr)
      if command -v tesseract >/dev/null; then
        langs=$(tesseract --list-langs 2>/dev/null || true)
        grep -qx eng <<<"$langs" || want+=(tesseract-ocr-eng)
        grep -qx est <<<"$langs" || want+=(tesseract-ocr-est)
      else
        want+=(tesseract-ocr-eng tesseract-ocr-est)
      fi
      command -v pdftoppm >/dev/null || want+=(poppler-utils)
      ;;
    browser)
      [ -x /usr/bin/chromium ] || want+=(chromium)
      ;;
  esac
done
[ ${#want[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${want[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "Missing system packages: ${want[*]}. Install them with apt-get (as root) and run again." >&2; exit 1
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${want[*]}, and apt-get is not available; install them with your package manager." >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${want[@]}" >/dev/null
