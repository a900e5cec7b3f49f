#!/bin/sh
# Adds PhiDesk to this user's application menu (no root needed). Run it from the unpacked folder;
# run it again after moving the folder. Remove with: ./install-desktop-entry.sh --remove
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
id=io.github.phidesk.PhiDesk
if [ "${1:-}" = "--remove" ]; then
    rm -f "$data/applications/$id.desktop" "$data/icons/hicolor/256x256/apps/$id.png" "$HOME/.local/bin/phidesk"
    echo "PhiDesk removed from the application menu."
    exit 0
fi
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps" "$HOME/.local/bin"
cp "$here/share/icons/hicolor/256x256/apps/$id.png" "$data/icons/hicolor/256x256/apps/$id.png"
sed "s|^Exec=phidesk|Exec=\"$here/phidesk\"|" "$here/share/applications/$id.desktop" > "$data/applications/$id.desktop"
ln -sf "$here/phidesk" "$HOME/.local/bin/phidesk"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
echo "PhiDesk is in your application menu; 'phidesk' is in ~/.local/bin."
