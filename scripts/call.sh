#!/usr/bin/env bash
# Runs a deployed function by hand with an explicit execution id, so a manual run is its own ledger
# entry and never collides with a scheduled one (those are <job>-<schedule time>). Re-running with the
# same id returns the stored report. The run document records the caller (trigger.caller).
#
#   scripts/call.sh --project my-project [--function rebalance] [--execution-id manual-20250101-1]
#                   [--dry-run] [--profile default] [--region asia-northeast1] [--name-prefix qrl]
#                   [--caller me|scheduler|<service account e-mail>]
#
# --caller me (default): your gcloud account. A person's token carries gcloud's audience, so you must be
#   a user: entry of callers / CALLERS (that puts you in OIDC_GCLOUD_USER_EMAILS); a service account
#   active in gcloud mints a token for the function URL. --caller <sa>: impersonate that service account
#   (roles/iam.serviceAccountOpenIdTokenCreator on it; it must be a caller). --caller scheduler: as the
#   scheduler account (manual_callers / MANUAL_CALLERS); recorded as the scheduler. The token is never printed.
set -euo pipefail

project="${PROJECT_ID:-}"
region="${REGION:-asia-northeast1}"
prefix="${NAME_PREFIX:-qrl}"
fn=rebalance
execution_id=""
dry_run=false
profile=""
caller=me

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($# > 0)); do
  case "$1" in
    --project) project="$2"; shift 2 ;;
    --region) region="$2"; shift 2 ;;
    --name-prefix) prefix="$2"; shift 2 ;;
    --function) fn="$2"; shift 2 ;;
    --execution-id) execution_id="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    --caller) caller="$2"; shift 2 ;;
    -h | --help) usage ;;
    *) echo "call: unknown argument $1" >&2; usage ;;
  esac
done

[[ -n "$project" ]] || { echo "call: --project (or PROJECT_ID) is required" >&2; exit 2; }
case "$fn" in rebalance | snapshot | health) ;; *) echo "call: --function must be rebalance, snapshot or health" >&2; exit 2 ;; esac
if [[ -z "$execution_id" ]]; then
  execution_id="manual-$(date -u +%Y%m%dT%H%M%SZ)"
fi
[[ "$execution_id" =~ ^[A-Za-z0-9_-]{8,64}$ ]] || { echo "call: --execution-id must match ^[A-Za-z0-9_-]{8,64}\$" >&2; exit 2; }
if [[ -n "$profile" && ! "$profile" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "call: --profile may hold only letters, digits, _ and -" >&2
  exit 2
fi

number="$(gcloud projects describe "$project" --format='value(projectNumber)')"
url="https://${prefix}-${fn}-${number}.${region}.run.app"
scheduler="${prefix}-scheduler@${project}.iam.gserviceaccount.com"
[[ "$caller" == scheduler ]] && caller="$scheduler"

# dryRun is sent only to force a dry run; leaving it out lets LIVE_TRADING decide.
body="{\"executionId\":\"${execution_id}\""
[[ "$dry_run" == true ]] && body+=",\"dryRun\":true"
[[ -n "$profile" ]] && body+=",\"profile\":\"${profile}\""
body+="}"

if [[ "$caller" == me ]]; then
  account="$(gcloud config get-value account 2>/dev/null)"
  [[ -n "$account" ]] || { echo "call: no active gcloud account; gcloud auth login first" >&2; exit 1; }
  if [[ "$account" == *.gserviceaccount.com ]]; then
    token="$(gcloud auth print-identity-token --audiences="$url" 2>/dev/null)" ||
      { echo "call: could not mint a token as ${account}" >&2; exit 1; }
  else
    # a person: gcloud gives the token its own audience; the function accepts it for OIDC_GCLOUD_USER_EMAILS
    token="$(gcloud auth print-identity-token 2>/dev/null)" ||
      { echo "call: could not mint a token as ${account}; gcloud auth login first" >&2; exit 1; }
  fi
  who="$account"
else
  token="$(gcloud auth print-identity-token --impersonate-service-account="$caller" \
    --audiences="$url" --include-email 2>/dev/null)" ||
    { echo "call: could not mint a token as ${caller}; do you have roles/iam.serviceAccountOpenIdTokenCreator on it?" >&2; exit 1; }
  who="$caller"
fi

echo "POST ${url}  executionId=${execution_id} dryRun=${dry_run} as ${who}" >&2
if [[ "$fn" == health ]]; then
  curl --silent --show-error --fail-with-body --max-time 60 \
    -H @- "${url}?deep=1" <<<"Authorization: Bearer ${token}"
else
  curl --silent --show-error --fail-with-body --max-time 600 -X POST \
    -H 'Content-Type: application/json' -H @- --data "$body" "$url" <<<"Authorization: Bearer ${token}"
fi
echo
