# shellcheck shell=bash
# The settings of scripts/deploy.sh and scripts/kill-switch.sh, kept in one file (DEPLOY_CONFIG):
#   # comment
#   NAME='value'          (single quotes; a quote inside is doubled: 'it''s')
#   NAME=value            (unquoted: the rest of the line, as is)
# The file is parsed, never sourced: nothing in it runs. Each setting comes from the environment when
# it is named there, else from the file, else from its default.

# Every setting of deploy.sh as NAME=default, in the order the file lists them (meanings: deploy.sh's header).
# shellcheck disable=SC2034 # read by deploy.sh and kill-switch.sh
declare -ga deploy_settings=(
  "PROJECT_ID="
  "REGION=asia-northeast1"
  "FIRESTORE_LOCATION=asia-northeast1"
  "NAME_PREFIX=qrl"
  "LIVE_TRADING=false"
  "AUTH_MODE=platform-verified"
  "MEXC_BASE_URL=https://api.mexc.com"
  "MEXC_RECV_WINDOW_MS=5000"
  "STRATEGY_PROFILES="
  "ACCOUNT_ID="
  "REPLAY_WINDOW_S=900"
  "RUN_RETENTION_DAYS=90"
  "LOG_LEVEL=info"
  "REBALANCE_SCHEDULE=*/15 * * * *"
  "REBALANCE_PERIOD_MINUTES=15"
  "SNAPSHOT_SCHEDULE=0 * * * *"
  "TIME_ZONE=Etc/UTC"
  "REBALANCE_TIMEOUT=120"
  "SNAPSHOT_TIMEOUT=60"
  "DEADLINE_MARGIN=30"
  "SCHEDULER_RETRIES=5"
  "FUNCTION_MEMORY=512Mi"
  "INGRESS=all"
  "STATIC_EGRESS_IP=false"
  "EGRESS_SUBNET_CIDR=10.8.0.0/26"
  "CALLERS="
  "MANUAL_CALLERS="
)

declare -gA config_default=() config_file_value=() setting_source=()
declare -ga config_names=() config_changes=()

config_die() { echo "deploy: $*" >&2; exit 1; }

# 'value' with single quotes doubled, as the file stores it
config_quote() { local v="$1"; printf "'%s'" "${v//\'/\'\'}"; }

# Reads the file into config_file_value; refuses unknown names, secrets, duplicates and bad lines.
read_config_file() {
  local file="$1" line name value n=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    [[ "$line" =~ ^[[:space:]]*(#.*)?$ ]] && continue
    [[ "$line" =~ ^([A-Z][A-Z0-9_]*)=(.*)$ ]] || config_die "${file} line ${n} is not NAME=value: ${line:0:60}"
    name="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    case "$name" in
      MEXC_API_KEY | MEXC_API_SECRET) config_die "${file} line ${n}: ${name} is a secret; it belongs in Secret Manager, never in this file" ;;
    esac
    [[ -v "config_default[$name]" ]] || config_die "${file} line ${n}: unknown setting ${name} (known: ${config_names[*]})"
    [[ -v "config_file_value[$name]" ]] && config_die "${file} line ${n}: ${name} is set twice"
    if [[ "$value" == \'* ]]; then
      [[ "$value" =~ ^\'(([^\']|\'\')*)\'$ ]] || config_die "${file} line ${n}: the quoted value of ${name} is not closed (double a quote inside: '')"
      value="${BASH_REMATCH[1]//\'\'/\'}"
    fi
    config_file_value[$name]="$value"
  done <"$file"
}

# resolve_settings <file> <NAME=default>... : sets every NAME, records where it came from and what changes.
resolve_settings() {
  local file="$1" entry name
  shift
  for entry in "$@"; do
    name="${entry%%=*}"
    config_names+=("$name")
    config_default[$name]="${entry#*=}"
  done
  config_file_exists=false
  if [[ -f "$file" ]]; then
    config_file_exists=true
    read_config_file "$file"
  fi
  for name in "${config_names[@]}"; do
    if [[ -v "$name" ]]; then
      setting_source[$name]=environment
    elif [[ -v "config_file_value[$name]" ]]; then
      printf -v "$name" '%s' "${config_file_value[$name]}"
      setting_source[$name]='file'
    else
      printf -v "$name" '%s' "${config_default[$name]}"
      setting_source[$name]=default
    fi
    # a change: against the file when there is one, else against the default
    local before="${config_default[$name]}"
    [[ -v "config_file_value[$name]" ]] && before="${config_file_value[$name]}"
    if [[ "${!name}" != "$before" ]]; then config_changes+=("$name"); fi
  done
}

# What this run changes, one line each, and where the other settings come from.
print_settings_changes() {
  local file="$1" name before
  if [[ "$config_file_exists" == true ]]; then
    echo "settings: ${file} with ${#config_changes[@]} change(s) named in the environment"
  else
    echo "settings: no ${file} yet; the defaults with ${#config_changes[@]} change(s) named in the environment"
  fi
  for name in "${config_changes[@]}"; do
    before="${config_default[$name]}"
    [[ -v "config_file_value[$name]" ]] && before="${config_file_value[$name]}"
    printf '  %s: %s -> %s\n' "$name" "$(config_quote "$before")" "$(config_quote "${!name}")"
  done
  local missing=()
  for name in "${config_names[@]}"; do
    [[ "$config_file_exists" == true && "${setting_source[$name]}" == default ]] && missing+=("$name")
  done
  if ((${#missing[@]} > 0)); then echo "  (not in the file, so their defaults: ${missing[*]})"; fi
  return 0
}

# Writes every setting as it is now (after a successful deploy): the file then says what is deployed.
write_config_file() {
  local file="$1" name tmp
  tmp="${file}.tmp.$$"
  {
    echo "# qrl-rebalancer deployment settings, written by scripts/deploy.sh or kill-switch.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)."
    echo "# Every setting as it was last deployed. Review changes to this file like code; a re-run of"
    echo "# deploy.sh changes only what you name in the environment. No secrets belong here."
    for name in "${config_names[@]}"; do
      printf '%s=%s\n' "$name" "$(config_quote "${!name}")"
    done
  } >"$tmp"
  mv "$tmp" "$file"
}

# CALLERS: space-separated `member=function+function` entries (`=all` for the three), e.g.
#   CALLERS='user:alice@example.com=all serviceAccount:uptime@p.iam.gserviceaccount.com=health'
# parse_callers <spec> <array name>: fills the array with one "function member" pair per entry and
# function, or stops naming the bad entry.
parse_callers() {
  local spec="$1" entry member fns fn
  local -n pairs_out="$2"
  pairs_out=()
  for entry in $spec; do
    [[ "$entry" == *=* ]] || config_die "CALLERS entry ${entry} has no =functions (e.g. user:you@example.com=rebalance+health, or =all)"
    member="${entry%%=*}"
    fns="${entry#*=}"
    [[ "$member" =~ ^(user|serviceAccount):[^@[:space:]:]+@[^@[:space:]]+$ ]] ||
      config_die "CALLERS entry ${entry}: the member must be user:<email> or serviceAccount:<email> (a group cannot be checked: a token names a person)"
    [[ "$fns" == all ]] && fns=rebalance+snapshot+health
    local fn_list=()
    IFS='+' read -r -a fn_list <<<"$fns"
    ((${#fn_list[@]} > 0)) || config_die "CALLERS entry ${entry} names no function"
    for fn in "${fn_list[@]}"; do
      case "$fn" in
        rebalance | snapshot | health) pairs_out+=("${fn} ${member}") ;;
        *) config_die "CALLERS entry ${entry}: ${fn} is not rebalance, snapshot or health" ;;
      esac
    done
  done
}
