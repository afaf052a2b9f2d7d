#!/usr/bin/env bash
# Regenerates the small shipped samples under data/ from the Debian packages (reproducible: same package
# versions give the same bytes).
#   data/fashion-mnist/t10k-64-{images-idx3,labels-idx1}-ubyte: the first 64 test images/labels of
#     dataset-fashion-mnist, IDX format with the item count rewritten to 64.
#   data/prompts/prompts.txt: 8 short one-line fortunes from the fortunes package (every 32nd eligible one),
#     lowercased, runs of spaces squeezed.
# Usage: scripts/make-samples.sh   (from the repository root; needs dataset-fashion-mnist and fortunes installed)
set -euo pipefail
cd "$(dirname "$0")/.."
FMNIST=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
FORTUNES=${FORTUNES_FILE:-/usr/share/games/fortunes/fortunes}
N=64
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Decompress fully first: piping gzip into head would end gzip with SIGPIPE.
gzip -dc "$FMNIST/t10k-images-idx3-ubyte.gz" > "$tmp/images"
gzip -dc "$FMNIST/t10k-labels-idx1-ubyte.gz" > "$tmp/labels"
count_be() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }

# bytes FILE OFFSET COUNT: COUNT bytes of FILE from OFFSET (no pipes, so no SIGPIPE under pipefail)
bytes() { dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" bs=65536 status=none; }

mkdir -p data/fashion-mnist data/prompts
{
  bytes "$tmp/images" 0 4               # magic 0x00000803 (unsigned byte, 3 dimensions)
  count_be "$N"                            # number of images
  bytes "$tmp/images" 8 8                  # rows, columns (28, 28)
  bytes "$tmp/images" 16 $((N * 28 * 28))
} > data/fashion-mnist/t10k-64-images-idx3-ubyte
{
  bytes "$tmp/labels" 0 4                # magic 0x00000801 (unsigned byte, 1 dimension)
  count_be "$N"
  bytes "$tmp/labels" 8 "$N"
} > data/fashion-mnist/t10k-64-labels-idx1-ubyte

# Fortunes are separated by lines holding only "%". Eligible: one line, at most 60 characters, letters, spaces and
# simple punctuation only.
awk 'BEGIN { RS = "%\n" }
     { n = split($0, lines, "\n")
       if (n == 2 && length(lines[1]) <= 60 && lines[1] ~ /^[A-Za-z ,.;:!?'"'"'-]+$/) print tolower(lines[1]) }' \
    "$FORTUNES" | tr -s ' ' | awk 'NR % 32 == 1 && ++k <= 8' > data/prompts/prompts.txt

sha256sum data/fashion-mnist/t10k-64-* data/prompts/prompts.txt
