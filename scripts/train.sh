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
  # the softmax/LayerNorm/GELU twin first (it is the polynomial model's distillation teacher): 3 epochs, then two
  # continued stages of 2 epochs (fresh optimizer and cosine schedule each); 7 epochs in all
  run TrainLm --variant original --epochs 3 --batch 32 --seed 1 --checkpoint target/checkpoints/lm-original-s0.ckpt
  run TrainLm --variant original --init target/checkpoints/lm-original-s0.ckpt --epochs 2 --batch 32 --lr 5e-4 \
    --seed 2 --checkpoint target/checkpoints/lm-original-s1.ckpt
  run TrainLm --variant original --init target/checkpoints/lm-original-s1.ckpt --epochs 2 --batch 32 --lr 5e-4 \
    --seed 3 --checkpoint target/checkpoints/lm-original.ckpt
  # the polynomial model: the same 3 + 2 epochs (Power-Softmax eps 1, inverse on [1, 129], 9 iterations), then 2 epochs
  # with eps 1/16 (inverse on [1/16, 129], 13 iterations), distilled from the final twin (7 epochs in all)
  run TrainLm --variant polynomial --epochs 3 --batch 32 --seed 1 --checkpoint target/checkpoints/lm-polynomial-s0.ckpt
  run TrainLm --variant polynomial --init target/checkpoints/lm-polynomial-s0.ckpt --epochs 2 --batch 32 --lr 5e-4 \
    --seed 2 --checkpoint target/checkpoints/lm-polynomial-s1.ckpt
  run TrainLm --variant polynomial --init target/checkpoints/lm-polynomial-s1.ckpt --epochs 2 --batch 32 --lr 1e-3 \
    --seed 3 --attention-eps 0.0625 --inverse-hi 129 --inverse-iterations 13 \
    --teacher target/checkpoints/lm-original.ckpt --distill-weight 0.5 --temperature 1 \
    --checkpoint target/checkpoints/lm-polynomial.ckpt
  run ExportModel --checkpoint target/checkpoints/lm-polynomial.ckpt --out models/tiny-lm
  run ExportModel --checkpoint target/checkpoints/lm-original.ckpt --out models/tiny-lm-original
fi
