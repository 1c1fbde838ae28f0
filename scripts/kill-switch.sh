#!/usr/bin/env bash
# Turns live trading off, and nothing else: the rebalance service gets LIVE_TRADING=false as a new
# Cloud Run revision (no build, no other variable, flag, job or binding touched); every run after it is
# a dry run. Scheduled runs go on (as dry runs) so the alerts and the ledger keep showing that the rest
# works; pause the job too if you want nothing to run (docs/operations.md, Pausing and the kill switch).
#
#   scripts/kill-switch.sh                  # PROJECT_ID, REGION, NAME_PREFIX from DEPLOY_CONFIG or the environment
#   PROJECT_ID=my-project scripts/kill-switch.sh
#
# With deploy.sh's settings file (DEPLOY_CONFIG, default infra/deploy.env) it also records
# LIVE_TRADING='false' there, so the next deploy.sh run keeps trading off. Terraform users: set
# live_trading = false too, or the next apply turns it back on.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/deploy-config.sh
source "${root}/scripts/lib/deploy-config.sh"
case "${1:-}" in
  "") ;;
  -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "kill-switch: unknown argument $1" >&2; exit 2 ;;
esac

# shellcheck disable=SC2034 # resolve_settings reads it by name
LIVE_TRADING=false
DEPLOY_CONFIG="${DEPLOY_CONFIG:-${root}/infra/deploy.env}"
resolve_settings "$DEPLOY_CONFIG" "${deploy_settings[@]}"
: "${PROJECT_ID:?set PROJECT_ID (or keep it in ${DEPLOY_CONFIG})}"
command -v gcloud >/dev/null || { echo "kill-switch: gcloud is not installed" >&2; exit 1; }

service="${NAME_PREFIX}-rebalance"
echo "turning live trading off: ${service} in ${PROJECT_ID} (${REGION}) gets LIVE_TRADING=false, nothing else changes"
gcloud --project="$PROJECT_ID" --quiet run services update "$service" --region="$REGION" \
  --update-env-vars=LIVE_TRADING=false
if [[ "$config_file_exists" == true ]]; then
  # the file changes in LIVE_TRADING only, whatever else the environment names
  for name in "${config_names[@]}"; do
    [[ "$name" == LIVE_TRADING ]] && continue
    if [[ -v "config_file_value[$name]" ]]; then
      printf -v "$name" '%s' "${config_file_value[$name]}"
    else
      printf -v "$name" '%s' "${config_default[$name]}"
    fi
  done
  write_config_file "$DEPLOY_CONFIG"
  echo "recorded LIVE_TRADING='false' in ${DEPLOY_CONFIG}; the next deploy.sh run keeps it off"
else
  echo "no ${DEPLOY_CONFIG}: if you deploy with Terraform, set live_trading = false there too"
fi
echo "every run from the new revision on is a dry run; instances already running finish their request first"
