#!/usr/bin/env bash
# Deploys qrl-rebalancer with gcloud only: the same resources as infra/terraform, for operators
# without Terraform. Idempotent: every step creates what is missing and updates what exists.
#
#   PROJECT_ID=my-project scripts/deploy.sh            # first deploy: defaults + what you name
#   LIVE_TRADING=true scripts/deploy.sh                # later: changes LIVE_TRADING, nothing else
#   scripts/deploy.sh --plan                           # print the settings and what would change; deploy nothing
#
# The settings live in ONE file, DEPLOY_CONFIG (default infra/deploy.env): NAME='value' lines, parsed
# (never sourced), rewritten by this script after every successful deploy with every setting as it
# was deployed. A run takes each setting from the environment when you name it there, else from that
# file, else from the default below, and prints what changes before it deploys. Review the file and
# keep it (commit it in your deployment repo): without it a re-run would fall back to the defaults,
# so the script refuses to redeploy an existing installation without it (ALLOW_DEFAULTS=1 overrides).
# No secret ever goes into it; MEXC_API_KEY / MEXC_API_SECRET are refused there.
#
# Turning trading off only: scripts/kill-switch.sh (one env var on the rebalance service, no rebuild).
#
# Settings and defaults (same meaning as the Terraform variables):
#   PROJECT_ID (required)  REGION [asia-northeast1]  FIRESTORE_LOCATION [asia-northeast1]
#   NAME_PREFIX [qrl]  LIVE_TRADING [false]  AUTH_MODE [platform-verified]
#   MEXC_BASE_URL [https://api.mexc.com]  MEXC_RECV_WINDOW_MS [5000]  STRATEGY_PROFILES []
#   ACCOUNT_ID [] (empty: a fingerprint of the API key; set it to keep the safety state across key rotations)
#   REPLAY_WINDOW_S [900]  RUN_RETENTION_DAYS [90]  LOG_LEVEL [info]
#   REBALANCE_SCHEDULE [*/15 * * * *]  REBALANCE_PERIOD_MINUTES [15]  SNAPSHOT_SCHEDULE [0 * * * *]
#   TIME_ZONE [Etc/UTC]  REBALANCE_TIMEOUT [120]  SNAPSHOT_TIMEOUT [60]  DEADLINE_MARGIN [30]
#   SCHEDULER_RETRIES [5]  FUNCTION_MEMORY [512Mi]  INGRESS [all]
#   STATIC_EGRESS_IP [false]  EGRESS_SUBNET_CIDR [10.8.0.0/26]
#   CALLERS [] who may call which function by hand, recorded as themselves: space-separated
#     member=function+function entries (=all for the three), members user:<email> or serviceAccount:<email>:
#     CALLERS='user:alice@example.com=all serviceAccount:uptime@my-project.iam.gserviceaccount.com=health'
#     Each gets run.invoker there and is added to its OIDC_ALLOWED_EMAILS; user: members also to
#     OIDC_GCLOUD_USER_EMAILS (docs/authentication.md). Removing an entry removes its invoker binding.
#   MANUAL_CALLERS [] comma list of members who may also impersonate the scheduler (call.sh --caller scheduler)
# Per run only (never written to the file): DEPLOY_CONFIG, SKIP_BUILD [0], SKIP_ALERTS [0] (alert
# policies need the gcloud alpha component), DIST_DIR [dist], ALLOW_DEFAULTS [0]; flags --plan, --yes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/deploy-config.sh
source "${root}/scripts/lib/deploy-config.sh"

plan_only=false
assume_yes=false
for arg in "$@"; do
  case "$arg" in
    --plan) plan_only=true ;;
    --yes | -y) assume_yes=true ;;
    -h | --help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "deploy: unknown argument $arg (--plan, --yes, --help)" >&2; exit 2 ;;
  esac
done

DEPLOY_CONFIG="${DEPLOY_CONFIG:-${root}/infra/deploy.env}"
resolve_settings "$DEPLOY_CONFIG" "${deploy_settings[@]}"

: "${PROJECT_ID:?set PROJECT_ID to your Google Cloud project id (in the environment or in ${DEPLOY_CONFIG})}"

gc=(gcloud --project="$PROJECT_ID" --quiet)
runtime_sa="${NAME_PREFIX}-runtime@${PROJECT_ID}.iam.gserviceaccount.com"
scheduler_sa="${NAME_PREFIX}-scheduler@${PROJECT_ID}.iam.gserviceaccount.com"
secrets=(MEXC_API_KEY MEXC_API_SECRET)
metric_prefix="${NAME_PREFIX//-/_}"

step() { printf '\n== %s\n' "$*"; }
die() { echo "deploy: $*" >&2; exit 1; }

case "$LIVE_TRADING" in true | false) ;; *) die "LIVE_TRADING must be true or false" ;; esac
caller_pairs=()
previous_pairs=()
# shellcheck disable=SC2153 # CALLERS is set by resolve_settings
parse_callers "$CALLERS" caller_pairs
if [[ -v "config_file_value[CALLERS]" ]]; then parse_callers "${config_file_value[CALLERS]}" previous_pairs; fi
has_pair() {
  local wanted="$1" pair
  for pair in "${caller_pairs[@]}"; do [[ "$pair" == "$wanted" ]] && return 0; done
  return 1
}
# the e-mails a function accepts: the scheduler's and its callers'; and the people among them
allowed_emails() {
  local fn="$1" pair emails="$scheduler_sa"
  for pair in "${caller_pairs[@]}"; do [[ "${pair%% *}" == "$fn" ]] && emails+=",${pair#* *:}"; done
  echo "$emails"
}
gcloud_user_emails() {
  local fn="$1" pair emails=""
  for pair in "${caller_pairs[@]}"; do
    [[ "${pair%% *}" == "$fn" && "${pair#* }" == user:* ]] && emails+="${emails:+,}${pair#* user:}"
  done
  echo "$emails"
}
case "$AUTH_MODE" in verify | platform-verified) ;; *) die "AUTH_MODE must be verify or platform-verified (none is refused in the cloud)" ;; esac
command -v gcloud >/dev/null || die "gcloud is not installed"

fn_name() { echo "${NAME_PREFIX}-$1"; }

step "settings"
print_settings_changes "$DEPLOY_CONFIG"
if [[ "$config_file_exists" != true && "${ALLOW_DEFAULTS:-0}" != 1 ]] &&
  "${gc[@]}" functions describe "$(fn_name rebalance)" --gen2 --region="$REGION" --format='value(name)' >/dev/null 2>&1; then
  die "$(fn_name rebalance) is already deployed in ${PROJECT_ID}, but ${DEPLOY_CONFIG} is missing: every setting you do not name would go back to its default (a custom STRATEGY_PROFILES to the built-in 50/50 profile). Restore the file deploy.sh wrote after the last deploy (DEPLOY_CONFIG=<path>), or name every setting and run with ALLOW_DEFAULTS=1."
fi
if [[ "$plan_only" == true ]]; then
  echo "(--plan: nothing was deployed)"
  exit 0
fi
if ((${#config_changes[@]} > 0)) && [[ -t 0 && "$assume_yes" != true ]]; then
  read -r -p "deploy with these changes? [y/N] " answer
  [[ "$answer" == [yY]* ]] || die "nothing was deployed"
fi

step "project"
project_number="$("${gc[@]}" projects describe "$PROJECT_ID" --format='value(projectNumber)')"
[[ -n "$project_number" ]] || die "cannot read the project number of $PROJECT_ID"
# OIDC_AUDIENCE must be known before the function exists: Cloud Run's deterministic URL
# https://<service>-<project number>.<region>.run.app (the service has the function's name).
fn_url() { echo "https://$(fn_name "$1")-${project_number}.${REGION}.run.app"; }
for fn in rebalance snapshot health; do
  label="$(fn_name "$fn")-${project_number}"
  ((${#label} <= 63)) || die "$label is longer than 63 characters; shorten NAME_PREFIX"
done

step "APIs"
apis=(cloudfunctions.googleapis.com run.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com
  storage.googleapis.com cloudscheduler.googleapis.com firestore.googleapis.com secretmanager.googleapis.com
  iam.googleapis.com iamcredentials.googleapis.com logging.googleapis.com monitoring.googleapis.com)
[[ "$STATIC_EGRESS_IP" == true ]] && apis+=(compute.googleapis.com)
"${gc[@]}" services enable "${apis[@]}"

step "service accounts"
for sa in runtime scheduler; do
  email="${NAME_PREFIX}-${sa}@${PROJECT_ID}.iam.gserviceaccount.com"
  "${gc[@]}" iam service-accounts describe "$email" >/dev/null 2>&1 ||
    "${gc[@]}" iam service-accounts create "${NAME_PREFIX}-${sa}" --display-name="qrl-rebalancer ${sa}"
done
"${gc[@]}" projects add-iam-policy-binding "$PROJECT_ID" --member="serviceAccount:${runtime_sa}" \
  --role=roles/datastore.user --condition=None >/dev/null
if [[ -n "$MANUAL_CALLERS" ]]; then
  IFS=',' read -r -a callers <<<"$MANUAL_CALLERS"
  for member in "${callers[@]}"; do
    "${gc[@]}" iam service-accounts add-iam-policy-binding "$scheduler_sa" --member="$member" \
      --role=roles/iam.serviceAccountOpenIdTokenCreator >/dev/null
  done
fi

step "secrets (values are never printed)"
for secret in "${secrets[@]}"; do
  "${gc[@]}" secrets describe "$secret" >/dev/null 2>&1 ||
    "${gc[@]}" secrets create "$secret" --replication-policy=automatic
  "${gc[@]}" secrets add-iam-policy-binding "$secret" --member="serviceAccount:${runtime_sa}" \
    --role=roles/secretmanager.secretAccessor >/dev/null
  if [[ -z "$("${gc[@]}" secrets versions list "$secret" --filter='state=ENABLED' --limit=1 --format='value(name)')" ]]; then
    if [[ -t 0 ]]; then
      read -r -s -p "Value of ${secret} (input hidden): " value
      echo
      printf '%s' "$value" | "${gc[@]}" secrets versions add "$secret" --data-file=- >/dev/null
      unset value
    else
      die "${secret} has no enabled version; add one: gcloud secrets versions add ${secret} --data-file=- (docs/deploy.md, Adding the secrets)"
    fi
  fi
done

step "Firestore"
"${gc[@]}" firestore databases describe --database='(default)' >/dev/null 2>&1 ||
  "${gc[@]}" firestore databases create --database='(default)' --location="$FIRESTORE_LOCATION" --type=firestore-native
for group in runs orders snapshots; do
  "${gc[@]}" firestore fields ttls update expireAt --collection-group="$group" --database='(default)' --enable-ttl --async >/dev/null
done

network_flags=()
if [[ "$STATIC_EGRESS_IP" == true ]]; then
  step "static egress IP (Direct VPC egress + Cloud NAT)"
  net="${NAME_PREFIX}-egress"
  "${gc[@]}" compute networks describe "$net" >/dev/null 2>&1 ||
    "${gc[@]}" compute networks create "$net" --subnet-mode=custom
  "${gc[@]}" compute networks subnets describe "$net" --region="$REGION" >/dev/null 2>&1 ||
    "${gc[@]}" compute networks subnets create "$net" --network="$net" --region="$REGION" \
      --range="$EGRESS_SUBNET_CIDR" --enable-private-ip-google-access
  "${gc[@]}" compute routers describe "$net" --region="$REGION" >/dev/null 2>&1 ||
    "${gc[@]}" compute routers create "$net" --network="$net" --region="$REGION"
  "${gc[@]}" compute addresses describe "$net" --region="$REGION" >/dev/null 2>&1 ||
    "${gc[@]}" compute addresses create "$net" --region="$REGION"
  "${gc[@]}" compute routers nats describe "$net" --router="$net" --region="$REGION" >/dev/null 2>&1 ||
    "${gc[@]}" compute routers nats create "$net" --router="$net" --region="$REGION" \
      --nat-custom-subnet-ip-ranges="$net" --nat-external-ip-pool="$net"
  # Direct VPC egress for functions needs gcloud 558.0.0 or later.
  network_flags=(--network="$net" --subnet="$net" --direct-vpc-egress=all)
fi

step "functions"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  "${root}/scripts/package-functions.sh"
fi
dist_dir="${DIST_DIR:-${root}/dist}"
env_dir="$(mktemp -d)"
trap 'rm -rf "$env_dir"' EXIT
# YAML strings in single quotes; a single quote inside is doubled.
yaml_str() { printf "'%s'" "${1//\'/\'\'}"; }
write_env() {
  local file="$1" audience="$2" fn="$3" timeout="$4"
  {
    echo "MEXC_BASE_URL: $(yaml_str "$MEXC_BASE_URL")"
    echo "MEXC_RECV_WINDOW_MS: $(yaml_str "$MEXC_RECV_WINDOW_MS")"
    echo "LIVE_TRADING: $(yaml_str "$LIVE_TRADING")"
    echo "STRATEGY_PROFILES: $(yaml_str "$STRATEGY_PROFILES")"
    echo "ACCOUNT_ID: $(yaml_str "$ACCOUNT_ID")"
    echo "OIDC_AUDIENCE: $(yaml_str "$audience")"
    echo "OIDC_ALLOWED_EMAILS: $(yaml_str "$(allowed_emails "$fn")")"
    echo "OIDC_GCLOUD_USER_EMAILS: $(yaml_str "$(gcloud_user_emails "$fn")")"
    echo "AUTH_MODE: $(yaml_str "$AUTH_MODE")"
    echo "REPLAY_WINDOW_S: $(yaml_str "$REPLAY_WINDOW_S")"
    echo "LEDGER: 'firestore'"
    echo "GOOGLE_CLOUD_PROJECT: $(yaml_str "$PROJECT_ID")"
    echo "FIRESTORE_DATABASE: '(default)'"
    echo "RUN_RETENTION_DAYS: $(yaml_str "$RUN_RETENTION_DAYS")"
    echo "LOG_LEVEL: $(yaml_str "$LOG_LEVEL")"
    echo "FUNCTION_TIMEOUT_S: $(yaml_str "$timeout")"
  } >"$file"
}
deploy_fn() {
  local fn="$1" timeout="$2" memory="$3" max_instances="$4" concurrency="$5"
  local env_file="${env_dir}/${fn}.yaml" stage="${env_dir}/src-${fn}"
  write_env "$env_file" "$(fn_url "$fn")" "$fn" "$timeout"
  mkdir -p "$stage"
  cp "${dist_dir}/${fn}"/*.js "${dist_dir}/${fn}"/*.js.map "${dist_dir}/${fn}/package.json" "$stage/"
  "${gc[@]}" functions deploy "$(fn_name "$fn")" --gen2 --region="$REGION" --runtime=nodejs22 \
    --source="$stage" --entry-point="$fn" --trigger-http --no-allow-unauthenticated \
    --service-account="$runtime_sa" --timeout="${timeout}s" --memory="$memory" \
    --max-instances="$max_instances" --concurrency="$concurrency" --ingress-settings="$INGRESS" \
    --env-vars-file="$env_file" --set-secrets="MEXC_API_KEY=MEXC_API_KEY:latest,MEXC_API_SECRET=MEXC_API_SECRET:latest" \
    ${network_flags[@]+"${network_flags[@]}"}
}
deploy_fn rebalance "$REBALANCE_TIMEOUT" "$FUNCTION_MEMORY" 1 1
deploy_fn snapshot "$SNAPSHOT_TIMEOUT" "$FUNCTION_MEMORY" 1 1
deploy_fn health 30 256Mi 2 10

step "invokers: the scheduler on the three functions, CALLERS on theirs (those services only)"
for fn in rebalance snapshot health; do
  "${gc[@]}" run services add-iam-policy-binding "$(fn_name "$fn")" --region="$REGION" \
    --member="serviceAccount:${scheduler_sa}" --role=roles/run.invoker >/dev/null
done
for pair in "${caller_pairs[@]}"; do
  "${gc[@]}" run services add-iam-policy-binding "$(fn_name "${pair%% *}")" --region="$REGION" \
    --member="${pair#* }" --role=roles/run.invoker >/dev/null
done
# what the last deploy granted (the settings file's CALLERS) and this one no longer names
for pair in "${previous_pairs[@]}"; do
  has_pair "$pair" && continue
  echo "removing ${pair#* } from $(fn_name "${pair%% *}") (no longer in CALLERS)"
  "${gc[@]}" run services remove-iam-policy-binding "$(fn_name "${pair%% *}")" --region="$REGION" \
    --member="${pair#* }" --role=roles/run.invoker >/dev/null
done

step "scheduler jobs"
schedule_job() {
  local fn="$1" schedule="$2" timeout="$3" verb=create
  local deadline=$((timeout + DEADLINE_MARGIN))
  ((deadline <= 1800)) || die "attempt deadline ${deadline}s is above Cloud Scheduler's 1800s limit"
  local headers_flag=--headers=Content-Type=application/json
  if "${gc[@]}" scheduler jobs describe "$(fn_name "$fn")" --location="$REGION" >/dev/null 2>&1; then
    verb=update
    headers_flag=--update-headers=Content-Type=application/json
  fi
  "${gc[@]}" scheduler jobs "$verb" http "$(fn_name "$fn")" --location="$REGION" \
    --schedule="$schedule" --time-zone="$TIME_ZONE" --uri="$(fn_url "$fn")" --http-method=POST \
    "$headers_flag" --message-body='{}' \
    --oidc-service-account-email="$scheduler_sa" --oidc-token-audience="$(fn_url "$fn")" \
    --attempt-deadline="${deadline}s" --max-retry-attempts="$SCHEDULER_RETRIES" \
    --min-backoff=10s --max-backoff=120s --max-doublings=3
}
schedule_job rebalance "$REBALANCE_SCHEDULE" "$REBALANCE_TIMEOUT"
schedule_job snapshot "$SNAPSHOT_SCHEDULE" "$SNAPSHOT_TIMEOUT"

step "log-based metrics"
run_filter="resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"$(fn_name rebalance)\" AND jsonPayload.message=\"run.finished\""
cfg="${env_dir}/metric.yaml"
apply_metric() {
  local name="$1"
  if "${gc[@]}" logging metrics describe "$name" >/dev/null 2>&1; then
    "${gc[@]}" logging metrics update "$name" --config-from-file="$cfg"
  else
    "${gc[@]}" logging metrics create "$name" --config-from-file="$cfg"
  fi
}
cat >"$cfg" <<YAML
description: Finished rebalance runs by status (completed, dry_run, skipped, failed).
filter: '${run_filter}'
labelExtractors:
  status: EXTRACT(jsonPayload.status)
metricDescriptor:
  metricKind: DELTA
  valueType: INT64
  unit: '1'
  labels:
    - key: status
      valueType: STRING
YAML
apply_metric "${metric_prefix}_runs"
cat >"$cfg" <<YAML
description: Orders placed per rebalance run (distribution; sum = orders placed).
filter: '${run_filter}'
valueExtractor: EXTRACT(jsonPayload.ordersPlaced)
metricDescriptor:
  metricKind: DELTA
  valueType: DISTRIBUTION
  unit: '1'
bucketOptions:
  explicitBuckets:
    bounds: [0.5, 1.5, 2.5, 4.5, 8.5]
YAML
apply_metric "${metric_prefix}_orders_placed"
cat >"$cfg" <<YAML
description: Duration of rebalance runs in milliseconds.
filter: '${run_filter}'
valueExtractor: EXTRACT(jsonPayload.durationMs)
metricDescriptor:
  metricKind: DELTA
  valueType: DISTRIBUTION
  unit: ms
bucketOptions:
  exponentialBuckets:
    numFiniteBuckets: 16
    growthFactor: 2
    scale: 50
YAML
apply_metric "${metric_prefix}_run_duration"
order_filter="resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"$(fn_name rebalance)\" AND jsonPayload.message=\"order.placed\""
snapshot_filter="resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"$(fn_name snapshot)\" AND jsonPayload.message=\"snapshot.recorded\""
cat >"$cfg" <<YAML
description: Orders the exchange accepted, by side (one per order.placed line).
filter: '${order_filter}'
labelExtractors:
  side: EXTRACT(jsonPayload.side)
metricDescriptor:
  metricKind: DELTA
  valueType: INT64
  unit: '1'
  labels:
    - key: side
      valueType: STRING
YAML
apply_metric "${metric_prefix}_orders"
cat >"$cfg" <<YAML
description: Quote amount each accepted order executed when it was placed (executedQuote of order.placed).
filter: '${order_filter}'
valueExtractor: EXTRACT(jsonPayload.executedQuote)
metricDescriptor:
  metricKind: DELTA
  valueType: DISTRIBUTION
  unit: '1'
bucketOptions:
  exponentialBuckets:
    numFiniteBuckets: 16
    growthFactor: 2
    scale: 1
YAML
apply_metric "${metric_prefix}_order_notional"
cat >"$cfg" <<YAML
description: Fees of each rebalance run valued in the profile's quote asset (feesQuote of run.finished).
filter: '${run_filter}'
valueExtractor: EXTRACT(jsonPayload.feesQuote)
metricDescriptor:
  metricKind: DELTA
  valueType: DISTRIBUTION
  unit: '1'
bucketOptions:
  exponentialBuckets:
    numFiniteBuckets: 16
    growthFactor: 2
    scale: 0.01
YAML
apply_metric "${metric_prefix}_run_fees"
cat >"$cfg" <<YAML
description: Total drift of the portfolio from its targets at each snapshot (drift of snapshot.recorded).
filter: '${snapshot_filter}'
valueExtractor: EXTRACT(jsonPayload.drift)
labelExtractors:
  profile: EXTRACT(jsonPayload.profile)
metricDescriptor:
  metricKind: DELTA
  valueType: DISTRIBUTION
  unit: '1'
  labels:
    - key: profile
      valueType: STRING
bucketOptions:
  explicitBuckets:
    bounds: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]
YAML
apply_metric "${metric_prefix}_drift"

if [[ "${SKIP_ALERTS:-0}" != 1 ]]; then
  step "alert policies (gcloud alpha)"
  runs_metric="logging.googleapis.com/user/${metric_prefix}_runs"
  absent_s=$((2 * REBALANCE_PERIOD_MINUTES * 60))
  ((absent_s >= 120)) || absent_s=120
  apply_policy() {
    local display="$1" file="$2" existing
    existing="$("${gc[@]}" alpha monitoring policies list --filter="displayName=\"${display}\"" --format='value(name)' | head -n1)"
    if [[ -n "$existing" ]]; then
      "${gc[@]}" alpha monitoring policies update "$existing" --policy-from-file="$file"
    else
      "${gc[@]}" alpha monitoring policies create --policy-from-file="$file"
    fi
  }
  cat >"${env_dir}/failed.json" <<JSON
{"displayName": "qrl-rebalancer: rebalance run failed", "combiner": "OR",
 "documentation": {"mimeType": "text/markdown", "content": "A rebalance run ended with status failed. Runbook: docs/operations.md, When the failed-run alert fires."},
 "conditions": [{"displayName": "a run.finished event with status failed",
   "conditionThreshold": {"filter": "metric.type=\"${runs_metric}\" AND resource.type=\"cloud_run_revision\" AND metric.label.status=\"failed\"",
     "comparison": "COMPARISON_GT", "thresholdValue": 0, "duration": "0s", "trigger": {"count": 1},
     "aggregations": [{"alignmentPeriod": "300s", "perSeriesAligner": "ALIGN_SUM", "crossSeriesReducer": "REDUCE_SUM"}]}}]}
JSON
  apply_policy "qrl-rebalancer: rebalance run failed" "${env_dir}/failed.json"
  cat >"${env_dir}/absent.json" <<JSON
{"displayName": "qrl-rebalancer: no successful rebalance run in 2 periods", "combiner": "OR",
 "documentation": {"mimeType": "text/markdown", "content": "No rebalance run finished without failure for two schedule periods. Runbook: docs/operations.md, When the no-successful-run alert fires."},
 "conditions": [{"displayName": "no run.finished event with status completed, dry_run or skipped",
   "conditionAbsent": {"filter": "metric.type=\"${runs_metric}\" AND resource.type=\"cloud_run_revision\" AND metric.label.status=one_of(\"completed\", \"dry_run\", \"skipped\")",
     "duration": "${absent_s}s", "trigger": {"count": 1},
     "aggregations": [{"alignmentPeriod": "60s", "perSeriesAligner": "ALIGN_SUM", "crossSeriesReducer": "REDUCE_SUM"}]}}]}
JSON
  apply_policy "qrl-rebalancer: no successful rebalance run in 2 periods" "${env_dir}/absent.json"
fi

step "done"
write_config_file "$DEPLOY_CONFIG"
echo "settings as deployed: ${DEPLOY_CONFIG} (review and keep it; the next run starts from it)"
echo "rebalance URL (OIDC audience): $(fn_url rebalance)"
echo "scheduler account (calls all three): ${scheduler_sa}"
for fn in rebalance snapshot health; do echo "callers of $(fn_name "$fn"): $(allowed_emails "$fn")"; done
echo "LIVE_TRADING=${LIVE_TRADING}"
if [[ "$STATIC_EGRESS_IP" == true ]]; then
  echo "egress IP (bind the MEXC key to it): $("${gc[@]}" compute addresses describe "${NAME_PREFIX}-egress" --region="$REGION" --format='value(address)')"
fi
