#!/usr/bin/env bash
# Puts the installable WordPress plugin into DEST, ready for wp-content/plugins/loginbycall:
#
#   - the plugin's own files (integrations/wordpress/loginbycall);
#   - assets/loginbycall.css and .js: the pages' style and script, which are the Django app's own
#     files (bindings/python/python/loginbycall/django/static/loginbycall), so that both apps' pages
#     look and behave the same from one source;
#   - vendor/loginbycall: the PHP package (bindings/php without its tests and benchmarks), or the one
#     LBC_WP_PHP_PACKAGE names.
#
#   integrations/wordpress/build.sh /var/www/html/wp-content/plugins/loginbycall
#
# DEST must be missing, empty, or an earlier build of this plugin (then it is replaced). The library
# itself is installed apart (`make install`, or the prebuilt tarball's install.sh). `make dist` zips
# the same folder as loginbycall-wordpress-VERSION.zip.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ "$#" -ne 1 ] || [ -z "$1" ]; then
  echo "usage: integrations/wordpress/build.sh DEST (e.g. wp-content/plugins/loginbycall)" >&2
  exit 2
fi
dest=$1
package=${LBC_WP_PHP_PACKAGE:-$root/bindings/php}
shared=$root/bindings/python/python/loginbycall/django/static/loginbycall

[ -f "$package/autoload.php" ] || { echo "build.sh: $package/autoload.php does not exist (the PHP package)" >&2; exit 1; }
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  if ! grep -qs '^ \* Plugin Name: *LoginByCall$' "$dest/loginbycall.php"; then
    echo "build.sh: $dest is neither empty nor an earlier build of the LoginByCall plugin; not touching it" >&2
    exit 1
  fi
  find "$dest" -mindepth 1 -delete
fi
mkdir -p "$dest"

cp -R "$here/loginbycall/." "$dest/"
cp "$shared/loginbycall.css" "$shared/loginbycall.js" "$dest/assets/"
mkdir -p "$dest/vendor"
cp -R "$package" "$dest/vendor/loginbycall"
rm -rf "$dest/vendor/loginbycall/tests" "$dest/vendor/loginbycall/benches" "$dest/vendor/loginbycall/phpunit.xml.dist"
echo "the LoginByCall plugin is in $dest"
