variable "project_id" {
  description = "Google Cloud project id that holds everything (functions, Firestore, secrets, scheduler)."
  type        = string
}

variable "region" {
  description = "Region for the functions, scheduler jobs, Cloud NAT and the source bucket. MEXC does not publish where api.mexc.com is served from: time a few requests from candidate regions (docs/deploy.md, Prerequisites) and pick the fastest."
  type        = string
  default     = "asia-northeast1"
}

variable "firestore_location" {
  description = "Location of the Firestore database (a region such as asia-northeast1 or a multi-region such as nam5). Cannot be changed after creation."
  type        = string
  default     = "asia-northeast1"
}

variable "name_prefix" {
  description = "Prefix of every resource name. Function names become <prefix>-rebalance, <prefix>-snapshot, <prefix>-health."
  type        = string
  default     = "qrl"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.name_prefix))
    error_message = "name_prefix must start with a lowercase letter and hold at most 21 of a-z, 0-9 and -."
  }
}

variable "bundle_dir" {
  description = "Folder holding <function>.zip as written by scripts/package-functions.sh."
  type        = string
  default     = "../../dist/zip"
}

variable "live_trading" {
  description = "Send real orders. Leave false until dry runs look right; every run is a dry run while false."
  type        = bool
  default     = false
}

variable "auth_mode" {
  description = "AUTH_MODE of the functions. platform-verified: Cloud Run IAM checks the token's signature and the invoker role, then removes the signature before the request reaches the code, which checks issuer, audience, expiry and caller e-mail. verify: the code also checks the signature (only works if the signature reaches the container). none is never allowed in the cloud."
  type        = string
  default     = "platform-verified"

  validation {
    condition     = contains(["verify", "platform-verified"], var.auth_mode)
    error_message = "auth_mode must be verify or platform-verified."
  }
}

variable "mexc_base_url" {
  description = "MEXC Spot API base URL."
  type        = string
  default     = "https://api.mexc.com"
}

variable "mexc_recv_window_ms" {
  description = "recvWindow sent with signed MEXC requests, in ms (1..60000)."
  type        = number
  default     = 5000
}

variable "strategy_profiles" {
  description = "STRATEGY_PROFILES JSON (profile id -> strategy config). Empty string uses the built-in default profile (QRL/USDT 50/50)."
  type        = string
  default     = ""
}

variable "account_id" {
  description = "ACCOUNT_ID: the ledger id of the MEXC account (accounts/<id>), which holds the lock, cool-down, daily turnover and open intents of every profile. Empty uses a non-secret fingerprint of the API key (key-<16 hex>); set it to keep that safety state when rotating keys, since a new key gets a new fingerprint and starts with an empty lock, turnover and cool-down."
  type        = string
  default     = ""

  validation {
    condition     = var.account_id == "" || (can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,149}$", var.account_id)) && !can(regex("^__.*__$", var.account_id)))
    error_message = "account_id must be empty or 1 to 150 of A-Z, a-z, 0-9, _, . and -, starting with a letter or digit."
  }
}

variable "replay_window_s" {
  description = "A Scheduler call whose schedule time is older than this many seconds is skipped as stale."
  type        = number
  default     = 900
}

variable "run_retention_days" {
  description = "Days a run, its order intents and snapshots are kept before the Firestore TTL policy deletes them."
  type        = number
  default     = 90
}

variable "log_level" {
  description = "LOG_LEVEL of the functions: debug, info, warn or error."
  type        = string
  default     = "info"
}

variable "rebalance_schedule" {
  description = "unix-cron schedule of the rebalance job. Keep it consistent with rebalance_period_minutes."
  type        = string
  default     = "*/15 * * * *"
}

variable "rebalance_period_minutes" {
  description = "Minutes between rebalance runs as the schedule says; the no-successful-run alert fires after 2 periods without one."
  type        = number
  default     = 15

  validation {
    condition     = var.rebalance_period_minutes >= 1 && var.rebalance_period_minutes <= 720
    error_message = "rebalance_period_minutes must be between 1 and 720 (the alert window is twice this and at most one day)."
  }
}

variable "snapshot_schedule" {
  description = "unix-cron schedule of the snapshot job."
  type        = string
  default     = "0 * * * *"
}

variable "time_zone" {
  description = "tz database time zone the schedules are read in."
  type        = string
  default     = "Etc/UTC"
}

variable "rebalance_timeout_seconds" {
  description = "Timeout of the rebalance function. The scheduler attempt deadline is this plus scheduler_deadline_margin_seconds."
  type        = number
  default     = 120
  validation {
    # below 30 s the run's call caps shrink (run-deadlines.ts limitsFor): a deployment keeps the full 10 s order call
    condition     = var.rebalance_timeout_seconds >= 30 && var.rebalance_timeout_seconds <= 3600
    error_message = "The function timeout must be 30 to 3600 seconds: below 30 the run's order call and final commit get less than their full 10 s each."
  }
}

variable "snapshot_timeout_seconds" {
  description = "Timeout of the snapshot function."
  type        = number
  default     = 60
  validation {
    # below 30 s the run's call caps shrink (run-deadlines.ts limitsFor): a deployment keeps the full 10 s order call
    condition     = var.snapshot_timeout_seconds >= 30 && var.snapshot_timeout_seconds <= 3600
    error_message = "The function timeout must be 30 to 3600 seconds: below 30 the run's order call and final commit get less than their full 10 s each."
  }
}

variable "scheduler_deadline_margin_seconds" {
  description = "Seconds the scheduler waits beyond the function timeout, so a slow run is ended by its own timeout, not by a scheduler retry racing it."
  type        = number
  default     = 30
}

variable "scheduler_retry_count" {
  description = "Scheduler retries of a failed attempt (non-2xx or deadline). Retries reuse the schedule time, so the ledger dedupes them. A retry that finds the attempt still live is answered 409 and Scheduler retries again; 5 (Scheduler's most) with the 10s..120s back-off retries at +10, +30, +70, +150 and +270 s, past the run lease (function timeout + 5 s), so a killed attempt is resumed under its own id."
  type        = number
  default     = 5
  validation {
    condition     = var.scheduler_retry_count >= 0 && var.scheduler_retry_count <= 5
    error_message = "Cloud Scheduler allows 0 to 5 retries."
  }
}

variable "function_memory" {
  description = "Memory of the rebalance and snapshot functions."
  type        = string
  default     = "512Mi"
}

variable "ingress_settings" {
  description = "Ingress of the functions: ALLOW_ALL (IAM still required) or ALLOW_INTERNAL_ONLY. Cloud Scheduler and manual curl calls come from outside the VPC, so ALLOW_ALL is the default."
  type        = string
  default     = "ALLOW_ALL"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress_settings)
    error_message = "ingress_settings must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "static_egress_ip" {
  description = "Route all outbound traffic through Direct VPC egress and Cloud NAT with one reserved address, so the MEXC key can be bound to that IP."
  type        = bool
  default     = false
}

variable "egress_subnet_cidr" {
  description = "CIDR of the subnet Direct VPC egress takes addresses from (a /26 or larger is recommended)."
  type        = string
  default     = "10.8.0.0/26"
}

variable "callers" {
  description = <<-EOT
    People and accounts allowed to call the functions by hand, each with the functions it may call:
    { "user:alice@example.com" = ["rebalance", "snapshot", "health"], "serviceAccount:uptime@p.iam.gserviceaccount.com" = ["health"] }.
    Each gets roles/run.invoker on those services and its e-mail is added to their OIDC_ALLOWED_EMAILS,
    so a manual run records it as trigger.caller. A user: member is also put in OIDC_GCLOUD_USER_EMAILS:
    gcloud can only mint a person's ID token with gcloud's own audience, not the function URL, and
    that opt-in lets the app accept it for that person (docs/authentication.md). Groups and domains
    cannot be listed: a token names a person, not the group, so the app could not check membership.
  EOT
  type        = map(list(string))
  default     = {}

  validation {
    condition = alltrue([
      for member, fns in var.callers :
      can(regex("^(user|serviceAccount):[^@\\s:]+@[^@\\s]+$", member)) && length(fns) > 0 &&
      alltrue([for fn in fns : contains(["rebalance", "snapshot", "health"], fn)])
    ])
    error_message = "callers: each key is user:<email> or serviceAccount:<email>, each value a non-empty list of rebalance, snapshot, health."
  }
}

variable "manual_callers" {
  description = "Members (e.g. user:you@example.com) allowed to mint ID tokens as the scheduler account, for scripts/call.sh --caller scheduler. Granted on that one service account only. Prefer callers, which records who ran what."
  type        = list(string)
  default     = []
}

variable "alert_notification_channels" {
  description = "Monitoring notification channel ids (projects/<p>/notificationChannels/<id>) the alerts are sent to. Empty means alerts only show in the console."
  type        = list(string)
  default     = []
}
