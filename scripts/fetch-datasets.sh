#!/usr/bin/env bash
# fetch-datasets.sh - rebuild Lethe's small, committed data sets from Debian and npm.
#
# Maintainer tool only: Lethe itself never downloads anything at run time; the files this
# script writes are committed under data/ together with their licence notices.
#
# Usage: scripts/fetch-datasets.sh [--out DIR] [--full]
#   --out DIR  write the data sets into DIR instead of the repository's data/ folder
#   --full     also write the full Fashion-MNIST (train 60,000 + t10k 10,000, the four files
#              exactly as Debian ships them) into <out>/full/fashion-mnist/ (never commit it)
#
# Every data file is checked against the sha256, size and row count recorded in the committed
# data/<set>/provenance.json; any mismatch makes the script fail. Running it again gives
# byte-identical files (fixed package versions, Rscript --vanilla, LC_ALL=C, gzip -n).
#
# Needs a Debian (bookworm) machine with access to the Debian archive and the npm registry.
# It runs `apt-get update` only when the pinned package versions are unknown to apt, and
# installs r-base-core / npm (--no-install-recommends) only when Rscript / npm is missing;
# those two steps need root (or sudo). Everything else runs as any user in a temporary folder.
set -euo pipefail

# Pinned sources; they must equal "source.version" in data/<set>/provenance.json.
readonly MODELDATA_VERSION='1.1.0-1'                     # Debian r-cran-modeldata
readonly FORECAST_VERSION='8.20-1'                       # Debian r-cran-forecast
readonly FASHION_VERSION='0.0~git20200523.55506a9-1'     # Debian dataset-fashion-mnist
readonly VADER_VERSION='1.1.3'                           # npm vader-sentiment
readonly FASHION_SUBSET=4000                             # first N training images
readonly SETS=(concrete taylor vader fashion-mnist)

die() { echo "fetch-datasets: ERROR: $*" >&2; exit 1; }
log() { echo "fetch-datasets: $*" >&2; }

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ref_dir="$repo_root/data"            # committed provenance.json and hand-written notices
out_dir="$ref_dir"
full=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out_dir="$2"; shift 2 ;;
    --out=*) out_dir="${1#--out=}"; shift ;;
    --full) full=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

for s in "${SETS[@]}"; do
  [ -f "$ref_dir/$s/provenance.json" ] || die "missing $ref_dir/$s/provenance.json (the committed reference)"
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "root (or sudo) is needed to run: $*"; fi
}

# ---------------------------------------------------------------- tools and package lists
apt_has() { apt-cache show "$1" >/dev/null 2>&1; }
need_update=0
for p in "r-cran-modeldata=$MODELDATA_VERSION" "r-cran-forecast=$FORECAST_VERSION" \
         "dataset-fashion-mnist=$FASHION_VERSION"; do
  apt_has "$p" || need_update=1
done
command -v Rscript >/dev/null 2>&1 || need_update=1
{ command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; } || need_update=1
if [ "$need_update" -eq 1 ]; then
  log "apt-get update"
  as_root apt-get update -q
fi
if ! command -v Rscript >/dev/null 2>&1; then
  log "installing r-base-core (Rscript is missing)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends r-base-core
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  log "installing npm (npm/node is missing)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
fi
for t in apt-get dpkg Rscript npm node tar gzip dd od sha256sum cmp awk; do
  command -v "$t" >/dev/null 2>&1 || die "required tool not found: $t"
done

# ---------------------------------------------------------------- download into a temp folder
work=$(mktemp -d "${TMPDIR:-/tmp}/lethe-datasets.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
apt_opts=(-q)     # as root, apt would fall back to an unsandboxed download with a warning
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
export LC_ALL=C

for p in "r-cran-modeldata=$MODELDATA_VERSION" "r-cran-forecast=$FORECAST_VERSION" \
         "dataset-fashion-mnist=$FASHION_VERSION"; do
  log "apt-get download $p"
  apt-get download "${apt_opts[@]}" "$p" >/dev/null \
    || die "apt-get download $p failed: the pinned version is not in the configured Debian archive (bookworm expected). If Debian replaced it, review the new package and update the pins in this script and in data/*/provenance.json."
done
log "npm pack vader-sentiment@$VADER_VERSION"
npm pack --silent "vader-sentiment@$VADER_VERSION" >/dev/null \
  || die "npm pack vader-sentiment@$VADER_VERSION failed (is the npm registry reachable?)"
for f in ./*.deb ./*.tgz; do log "downloaded $(sha256sum "$f")"; done

dpkg -x "r-cran-modeldata_${MODELDATA_VERSION}_all.deb" md
dpkg -x r-cran-forecast_"${FORECAST_VERSION}"_*.deb fc
dpkg -x "dataset-fashion-mnist_${FASHION_VERSION}_all.deb" fm
tar -xzf "vader-sentiment-$VADER_VERSION.tgz" package/vader_lexicon.txt package/LICENSE package/NOTICE

stage="$work/out"
mkdir -p "${SETS[@]/#/$stage/}"

# ---------------------------------------------------------------- concrete (modeldata::concrete)
log "exporting concrete"
Rscript --vanilla -e 'm<-new.env(); invisible(lazyLoad("md/usr/lib/R/site-library/modeldata/data/Rdata", envir=m)); d<-m$concrete; class(d)<-"data.frame"; write.csv(d, "concrete.csv", row.names=FALSE)'
mv concrete.csv "$stage/concrete/concrete.csv"
cp md/usr/share/doc/r-cran-modeldata/copyright "$stage/concrete/debian-copyright"

# ---------------------------------------------------------------- taylor (forecast::taylor)
log "exporting taylor"
Rscript --vanilla -e 'e<-new.env(); invisible(lazyLoad("fc/usr/lib/R/site-library/forecast/data/Rdata", envir=e)); x<-e$taylor; write.csv(data.frame(t=seq_along(x), demand_mw=as.numeric(x)), "taylor.csv", row.names=FALSE)'
mv taylor.csv "$stage/taylor/taylor.csv"
cp fc/usr/share/doc/r-cran-forecast/copyright "$stage/taylor/debian-copyright"
[ -f /usr/share/common-licenses/GPL-3 ] || die "/usr/share/common-licenses/GPL-3 not found (package base-files)"
cp /usr/share/common-licenses/GPL-3 "$stage/taylor/COPYING"

# ---------------------------------------------------------------- vader (npm vader-sentiment)
log "copying the VADER lexicon"
cp package/vader_lexicon.txt "$stage/vader/vader_lexicon.txt"
cp package/LICENSE "$stage/vader/LICENSE"
cp package/NOTICE "$stage/vader/NOTICE"

# ---------------------------------------------------------------- fashion-mnist (subset)
fmdir=fm/usr/share/datasets/fashion-mnist
be32_at() {  # big-endian unsigned 32-bit integer at byte offset $2 of file $1
  local hex
  hex=$(od -An -tx1 -j "$2" -N4 "$1" | tr -d ' \n')
  [ ${#hex} -eq 8 ] || die "$1: too short for an IDX header"
  echo $((16#$hex))
}
check_idx() {  # file magic count [rows cols]
  local f=$1 magic=$2 count=$3 hdr=8 item=1
  [ "$(be32_at "$f" 0)" -eq "$magic" ] || die "$f: bad IDX magic"
  [ "$(be32_at "$f" 4)" -eq "$count" ] || die "$f: item count $(be32_at "$f" 4), expected $count"
  if [ $# -ge 5 ]; then
    [ "$(be32_at "$f" 8)" -eq "$4" ] && [ "$(be32_at "$f" 12)" -eq "$5" ] || die "$f: bad image size"
    hdr=16; item=$(($4 * $5))
  fi
  [ "$(stat -c %s "$f")" -eq $((hdr + count * item)) ] || die "$f: size does not match its header"
}
log "writing the first $FASHION_SUBSET Fashion-MNIST training images"
gzip -dc "$fmdir/train-images-idx3-ubyte.gz" > train-images.idx
gzip -dc "$fmdir/train-labels-idx1-ubyte.gz" > train-labels.idx
check_idx train-images.idx $((0x803)) 60000 28 28
check_idx train-labels.idx $((0x801)) 60000
# Header with the count replaced by 4000 (0x00000fa0), then the first 4000 items, verbatim.
{ printf '\x00\x00\x08\x03\x00\x00\x0f\xa0\x00\x00\x00\x1c\x00\x00\x00\x1c'; dd if=train-images.idx iflag=skip_bytes,count_bytes skip=16 count=3136000 bs=1M status=none; } > subset-images.idx
{ printf '\x00\x00\x08\x01\x00\x00\x0f\xa0'; dd if=train-labels.idx iflag=skip_bytes,count_bytes skip=8 count=4000 bs=1M status=none; } > subset-labels.idx
check_idx subset-images.idx $((0x803)) "$FASHION_SUBSET" 28 28
check_idx subset-labels.idx $((0x801)) "$FASHION_SUBSET"
cmp -s -n 3136000 <(tail -c +17 subset-images.idx) <(tail -c +17 train-images.idx) || die "image subset differs from the source"
cmp -s -n 4000 <(tail -c +9 subset-labels.idx) <(tail -c +9 train-labels.idx) || die "label subset differs from the source"
gzip -9 -n -c subset-images.idx > "$stage/fashion-mnist/train-images-idx3-ubyte.gz"
gzip -9 -n -c subset-labels.idx > "$stage/fashion-mnist/train-labels-idx1-ubyte.gz"
cp fm/usr/share/doc/dataset-fashion-mnist/copyright "$stage/fashion-mnist/debian-copyright"

# ---------------------------------------------------------------- install into the output folder
put() {  # copy $1 to $2 unless it is already identical (keeps re-runs quiet)
  if ! cmp -s "$1" "$2"; then cp "$1" "$2"; chmod 644 "$2"; log "wrote ${2#"$out_dir"/}"; fi
}
licence_mismatch=()
for s in "${SETS[@]}"; do
  mkdir -p "$out_dir/$s"
  for f in "$stage/$s"/*; do
    name=$(basename "$f")
    if [ "$out_dir" != "$ref_dir" ] && [ -f "$ref_dir/$s/$name" ] && ! cmp -s "$f" "$ref_dir/$s/$name"; then
      case "$name" in *.csv|*.txt|*.gz) ;; *) licence_mismatch+=("$s/$name") ;; esac
    fi
    put "$f" "$out_dir/$s/$name"
  done
  if [ "$out_dir" != "$ref_dir" ]; then   # hand-written files travel with the data
    for f in "$ref_dir/$s"/*; do
      [ -e "$stage/$s/$(basename "$f")" ] || put "$f" "$out_dir/$s/$(basename "$f")"
    done
  fi
done
[ "$out_dir" = "$ref_dir" ] || put "$ref_dir/README.md" "$out_dir/README.md"

if [ "$full" -eq 1 ]; then
  fdir="$out_dir/full/fashion-mnist"
  mkdir -p "$fdir"
  log "writing the full Fashion-MNIST into $fdir"
  gzip -dc "$fmdir/t10k-images-idx3-ubyte.gz" > t10k-images.idx
  gzip -dc "$fmdir/t10k-labels-idx1-ubyte.gz" > t10k-labels.idx
  check_idx t10k-images.idx $((0x803)) 10000 28 28
  check_idx t10k-labels.idx $((0x801)) 10000
  for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    put "$fmdir/$f" "$fdir/$f"
  done
  put fm/usr/share/doc/dataset-fashion-mnist/copyright "$fdir/debian-copyright"
  (cd "$fdir" && sha256sum ./*-ubyte.gz | sed 's# \./# #' > SHA256SUMS.new && put SHA256SUMS.new SHA256SUMS && rm -f SHA256SUMS.new)
fi

# ---------------------------------------------------------------- verify against provenance.json
log "verifying against $ref_dir/*/provenance.json"
rows_of() {  # set file
  case "$1" in
    concrete|taylor) echo $(( $(wc -l < "$2") - 1 )) ;;
    vader) wc -l < "$2" | tr -d ' ' ;;
    fashion-mnist) local h; h=$(od -An -tx1 -j4 -N4 <(gzip -dc "$2") | tr -d ' \n'); echo $((16#$h)) ;;
  esac
}
failures=0
declare -A want_version=([concrete]="$MODELDATA_VERSION" [taylor]="$FORECAST_VERSION" [vader]="$VADER_VERSION" [fashion-mnist]="$FASHION_VERSION")
for s in "${SETS[@]}"; do
  prov="$ref_dir/$s/provenance.json"
  got_version=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).source.version)' "$prov")
  if [ "$got_version" != "${want_version[$s]}" ]; then
    echo "MISMATCH $s: provenance.json says version $got_version, this script pins ${want_version[$s]}" >&2
    failures=$((failures + 1))
  fi
  want_rows=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).rows)' "$prov")
  while IFS=$'\t' read -r path sha bytes; do
    f="$out_dir/$s/$path"
    if [ ! -f "$f" ]; then echo "MISSING  $s/$path" >&2; failures=$((failures + 1)); continue; fi
    got_sha=$(sha256sum "$f" | cut -d' ' -f1)
    got_bytes=$(stat -c %s "$f")
    if [ "$got_sha" != "$sha" ] || [ "$got_bytes" != "$bytes" ]; then
      echo "MISMATCH $s/$path: expected sha256 $sha ($bytes bytes), got $got_sha ($got_bytes bytes)" >&2
      failures=$((failures + 1))
    else
      echo "ok       $s/$path  $got_sha  $got_bytes bytes"
    fi
    case "$path" in *-labels-*) continue ;; esac   # labels: same count as the images
    got_rows=$(rows_of "$s" "$f")
    if [ "$got_rows" != "$want_rows" ]; then
      echo "MISMATCH $s/$path: $got_rows rows, provenance.json says $want_rows" >&2
      failures=$((failures + 1))
    fi
  done < <(node -e 'for (const f of JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).files) console.log([f.path, f.sha256, f.bytes].join("\t"))' "$prov")
done
for m in ${licence_mismatch[@]+"${licence_mismatch[@]}"}; do
  echo "MISMATCH licence file $m differs from the committed copy in $ref_dir" >&2
  failures=$((failures + 1))
done

log "concrete: $(awk -F, 'NR>1 && $9<20' "$out_dir/concrete/concrete.csv" | wc -l) of $(rows_of concrete "$out_dir/concrete/concrete.csv") rows have strength < 20 MPa"
log "vader: $(awk -F'\t' '$2<-2' "$out_dir/vader/vader_lexicon.txt" | wc -l) of $(rows_of vader "$out_dir/vader/vader_lexicon.txt") entries have mean valence < -2"
[ "$full" -eq 0 ] || { log "full Fashion-MNIST:"; sed 's/^/  /' "$out_dir/full/fashion-mnist/SHA256SUMS" >&2; }

if [ "$failures" -ne 0 ]; then
  die "$failures check(s) failed: the rebuilt files do not match the committed provenance.json (see MISMATCH lines above). Do not commit them until the difference is understood."
fi
log "all files match provenance.json (output: $out_dir)"
