# Sourced by ./run: installs whatever is missing on a fresh Debian machine. Idempotent and quiet
# when everything is already there.

HTMX_VERSION=2.0.11   # htmx.org, major version 2; templates are written against the htmx 2 docs
AXE_VERSION=4.14.1    # axe-core: the accessibility engine the browser tests run on every page
DEBIAN_PACKAGES=(
  fonts-noto-cjk          # Chinese glyphs: Noto Sans/Serif CJK SC (fallback beyond GB 2312)
  fonts-noto-cjk-extra    # Noto Serif CJK SC Black: the 小标宋 stand-in for titles
  fontconfig
  fonts-liberation2       # Times New Roman's metrics for the Latin text of the DOCX copies
  libreoffice-writer-nogui  # the DOCX copies rendered as an office would (tests decode their QR)
  libreoffice-calc-nogui    # ... and the XLSX summaries printed (tests check the page width)
  libharfbuzz-subset0     # WeasyPrint subsetting (60x slower without it, shared/FINDINGS.md)
  libpango-1.0-0 libpangoft2-1.0-0
  poppler-utils           # pdftoppm / pdffonts for looking at and testing PDFs
  chromium                # browser tests (Playwright drives Debian's chromium)
  python3-venv
  nodejs npm              # only to fetch htmx and axe-core from the npm registry
  nginx-light             # the loopback cluster test (bench/cluster.py); production's proxy
  postgresql-client       # pg_dump / pg_restore for backups on PostgreSQL
  wrk                     # the page benchmarks (bench/pages.py)
)

say() { printf '\033[1m[kczg]\033[0m %s\n' "$*" >&2; }

setup_debian() {
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    case $p in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
      python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null && continue ;;
      nginx-light) [ -x /usr/sbin/nginx ] && continue ;;
      postgresql-client) command -v pg_dump >/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The 公文 faces FandolFang (仿宋), FandolHei (黑体), FandolKai (楷体) ship in Debian's
# texlive-lang-chinese; we take the fonts out of the downloaded package instead of installing TeX
# Live (shared/FINDINGS.md), and teach fontconfig the names Word documents use for them.
FANDOL_DIR=/usr/local/share/fonts/kczg-fandol
FONTCONF=/etc/fonts/conf.d/65-kczg-gongwen.conf
setup_fonts() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -s "$FANDOL_DIR/FandolFang-Regular.otf" ]; then
    say "installing the Fandol fonts (仿宋/黑体/楷体) from Debian's texlive-lang-chinese"
    local tmp
    tmp=$(mktemp -d)
    chmod 755 "$tmp"  # apt's _apt user writes the download here
    (cd "$tmp" && apt-get download texlive-lang-chinese >/dev/null 2>&1 || \
      { $sudo apt-get update -qq && apt-get download texlive-lang-chinese >/dev/null; })
    dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
    $sudo mkdir -p "$FANDOL_DIR"
    $sudo cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol{Fang-Regular,Hei-Regular,Hei-Bold,Kai-Regular,Song-Regular,Song-Bold}.otf "$FANDOL_DIR/"
    rm -rf "$tmp"
    $sudo fc-cache -f "$FANDOL_DIR" >/dev/null
  fi
  if ! cmp -s deploy/fonts/65-kczg-gongwen.conf "$FONTCONF"; then
    $sudo cp deploy/fonts/65-kczg-gongwen.conf "$FONTCONF"
    $sudo fc-cache -f >/dev/null
  fi
}

setup_python() {
  local stamp=.venv/.kczg-installed want
  want=$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    python3 -m venv .venv
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Python packages"
    .venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
    echo "$want" > "$stamp"
  fi
}

# "KCZG Title": the 小标宋 stand-in cut down to GB 2312, and "KCZG Folio": the 宋体 page-number
# digits (scripts/title_font.py says why), made with the venv's fontTools once the fonts and the
# venv are there.
TITLE_DIR=/usr/local/share/fonts/kczg-title
setup_title_font() {
  local target="$TITLE_DIR/KCZGTitle-Black.otf" folio="$TITLE_DIR/KCZGFolio-Regular.otf" source want
  want=$(sha256sum scripts/title_font.py | cut -c1-16)
  if [ -s "$target" ] && [ -s "$folio" ] && [ "$(cat "$TITLE_DIR/.made-by" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  source=$(fc-match -f '%{file}' 'Noto Serif CJK SC:black')
  case "$source" in *Black*) ;; *) say "Noto Serif CJK SC Black not found (fonts-noto-cjk-extra)"; return 1 ;; esac
  local song
  song=$(fc-match -f '%{file}' 'FandolSong:style=Regular')
  case "$song" in *FandolSong-Regular*) ;; *) say "FandolSong Regular not found (texlive-lang-chinese)"; return 1 ;; esac
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "making the title font (Noto Serif CJK SC Black, GB 2312) and the page-number font for the PDFs"
  local tmp
  tmp=$(mktemp -d)
  .venv/bin/python scripts/title_font.py "$source" "$(fc-match -f '%{index}' 'Noto Serif CJK SC:black')" "$tmp/KCZGTitle-Black.otf"
  .venv/bin/python scripts/title_font.py --folio "$song" 0 "$tmp/KCZGFolio-Regular.otf"
  $sudo mkdir -p "$TITLE_DIR"
  $sudo cp "$tmp/KCZGTitle-Black.otf" "$target"
  $sudo cp "$tmp/KCZGFolio-Regular.otf" "$folio"
  echo "$want" | $sudo tee "$TITLE_DIR/.made-by" >/dev/null
  rm -rf "$tmp"
  $sudo fc-cache -f "$TITLE_DIR" >/dev/null
}

# npm_fetch PACKAGE VERSION FILE-IN-PACKAGE TARGET: one file of an npm package, unless the
# target already holds that version (recorded beside it as TARGET.version)
npm_fetch() {
  local package=$1 version=$2 file=$3 target=$4
  if [ -s "$target" ] && grep -qx "$version" "$target.version" 2>/dev/null; then
    return 0
  fi
  say "fetching $package@$version from the npm registry"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$(dirname "$target")"
  cp "$tmp/package/$file" "$target"
  echo "$version" > "$target.version"
  rm -rf "$tmp"
}

setup_htmx() {
  npm_fetch htmx.org "$HTMX_VERSION" dist/htmx.min.js static/vendor/htmx.min.js
}

setup_axe() {  # tests only: never served, never committed (tests/vendor is ignored)
  npm_fetch axe-core "$AXE_VERSION" axe.min.js tests/vendor/axe.min.js
}

setup_all() {
  setup_debian
  setup_fonts
  setup_python
  setup_title_font
  setup_htmx
  setup_axe
}
