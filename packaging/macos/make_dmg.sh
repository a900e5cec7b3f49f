#!/bin/sh
# Makes dist/PhiDesk-<version>-macos-<arch>.dmg from dist/PhiDesk.app (built by packaging/build.py).
# Sign and notarize first for distribution: see packaging/README.md.
set -eu
cd "$(dirname "$0")/../.."
version=$(python3 -c "import re,pathlib;print(re.search(r'__version__ = \"(.+)\"',pathlib.Path('src/phidesk/__init__.py').read_text()).group(1))")
arch=$(uname -m)
staging=$(mktemp -d)
cp -R dist/PhiDesk.app "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -volname "PhiDesk $version" -srcfolder "$staging" -ov -format UDZO "dist/PhiDesk-$version-macos-$arch.dmg"
rm -rf "$staging"
echo "dist/PhiDesk-$version-macos-$arch.dmg"
