#!/usr/bin/env bash
# callredact as a Slurm job array: one task per shard. Submit with
#   sbatch --array=0-7 scripts/deploy/slurm-array.sh /recordings/2026-11-28 /redacted/2026-11-28
# A failed or pre-empted task can simply be resubmitted: finished recordings are skipped.
#SBATCH --job-name=callredact
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --requeue
set -euo pipefail
in=${1:?input folder}
out=${2:?output folder}
n=${SLURM_ARRAY_TASK_COUNT:?run as an array job}
k=${SLURM_ARRAY_TASK_ID:?run as an array job}
exec callredact run "$in" --out "$out" --shard "$k/$n" \
  --jobs 1 --threads "${SLURM_CPUS_PER_TASK:-2}" \
  --log-format json --metrics-file "$out/metrics-$k.prom"
