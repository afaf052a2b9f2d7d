#!/usr/bin/env bash
# Prints the accuracy table of the shipped models (README, "Polynomial transformers"), computed with the Java
# double-precision reference: Fashion-MNIST test accuracy of vit-fmnist and its twin (10,000 images), validation
# perplexity of tiny-lm and its twin (the trainer's fortunes validation split), gaps against the targets, Java-vs-DJL
# logit agreement, and per polynomial component the inputs outside its domain. Progress goes to stderr, the table to
# stdout. Options are passed on (org.cipherformer.model.reference.AccuracyTable): --images N, --tokens N (first N
# test images / validation tokens), --threads T, --strict (exit 1 when a target is not met).
# Needs the Debian packages dataset-fashion-mnist and fortunes (scripts/setup.sh). About 1 CPU-minute in all (4-5 min
# wall on the shared, loaded 2-core build machine).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
# Maven's own output goes to stderr so that stdout holds only the table
mvn -B -q -ntp -Dstyle.color=never -pl model -am compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/target/model-classpath.txt" 1>&2
exec java -cp "model/target/classes:$(cat target/model-classpath.txt)" \
  org.cipherformer.model.reference.AccuracyTable "$@"
