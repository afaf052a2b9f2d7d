#!/usr/bin/env bash
# Reproduces the shipped trained models (see docs/training.md):
#   scripts/train.sh vit   -> models/vit-fmnist, models/vit-fmnist-original
#   scripts/train.sh lm    -> models/tiny-lm,    models/tiny-lm-original
#   scripts/train.sh all
# Needs the Debian packages dataset-fashion-mnist and fortunes (scripts/setup.sh). Runs offline, one PyTorch thread,
# niced; checkpoints go to target/checkpoints/ (not shipped).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
mkdir -p target/checkpoints
mvn -B -q -ntp -pl trainer -am compile dependency:build-classpath -Dmdep.outputFile="$PWD/target/trainer-classpath.txt"
CP="trainer/target/classes:$(cat target/trainer-classpath.txt)"
run() {
  nice -n 10 java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
    -cp "$CP" "org.cipherformer.trainer.$@"
}
if [[ "$what" == vit || "$what" == all ]]; then
  for v in polynomial original; do
    # 4 epochs from scratch, then continued from each checkpoint with a fresh optimizer and cosine schedule
    # (stages: epochs / peak learning rate / shuffling seed)
    run TrainVit --variant "$v" --epochs 4 --seed 1 --checkpoint "target/checkpoints/vit-$v-s0.ckpt"
    prev="target/checkpoints/vit-$v-s0.ckpt"
    stage=1
    for spec in 2/5e-4/2 4/5e-4/3 4/3e-4/4; do
      IFS=/ read -r ep lr seed <<< "$spec"
      run TrainVit --variant "$v" --init "$prev" --epochs "$ep" --lr "$lr" --seed "$seed" \
        --checkpoint "target/checkpoints/vit-$v-s$stage.ckpt"
      prev="target/checkpoints/vit-$v-s$stage.ckpt"
      stage=$((stage + 1))
    done
    cp "$prev" "target/checkpoints/vit-$v.ckpt"
  done
  run ExportModel --checkpoint target/checkpoints/vit-polynomial.ckpt --out models/vit-fmnist
  run ExportModel --checkpoint target/checkpoints/vit-original.ckpt --out models/vit-fmnist-original
fi
if [[ "$what" == lm || "$what" == all ]]; then
  for v in polynomial original; do
    run TrainLm --variant "$v" --epochs 3 --batch 32 --seed 1 --checkpoint "target/checkpoints/lm-$v-s0.ckpt"
    run TrainLm --variant "$v" --init "target/checkpoints/lm-$v-s0.ckpt" --epochs 2 --batch 32 --lr 5e-4 --seed 2 \
      --checkpoint "target/checkpoints/lm-$v.ckpt"
  done
  run ExportModel --checkpoint target/checkpoints/lm-polynomial.ckpt --out models/tiny-lm
  run ExportModel --checkpoint target/checkpoints/lm-original.ckpt --out models/tiny-lm-original
fi
