data "google_project" "this" {
  project_id = var.project_id
}

locals {
  apis = toset(concat([
    "cloudfunctions.googleapis.com",
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
    "storage.googleapis.com",
    "cloudscheduler.googleapis.com",
    "firestore.googleapis.com",
    "secretmanager.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
  ], var.static_egress_ip ? ["compute.googleapis.com"] : []))

  # Per-function shape. rebalance runs alone (max 1 instance, 1 request at a time): the ledger already
  # makes duplicates harmless, this keeps cost and noise down (DESIGN §10).
  functions = {
    rebalance = {
      entry_point   = "rebalance"
      timeout       = var.rebalance_timeout_seconds
      memory        = var.function_memory
      max_instances = 1
      concurrency   = 1
    }
    snapshot = {
      entry_point   = "snapshot"
      timeout       = var.snapshot_timeout_seconds
      memory        = var.function_memory
      max_instances = 1
      concurrency   = 1
    }
    health = {
      entry_point   = "health"
      timeout       = 30
      memory        = "256Mi"
      max_instances = 2
      concurrency   = 10
    }
  }

  function_names = { for key, _ in local.functions : key => "${var.name_prefix}-${key}" }

  # OIDC_AUDIENCE must equal the function URL, but the hash URL (service_config.uri) exists only after
  # creation. Cloud Run also serves every service at its deterministic URL
  # https://<service>-<project number>.<region>.run.app, known before creation; a gen2 function's
  # Cloud Run service has the function's name. The scheduler sends this exact URL as the audience.
  function_urls = {
    for key, name in local.function_names :
    key => "https://${name}-${data.google_project.this.number}.${var.region}.run.app"
  }

  # var.callers as (member, function) pairs; the e-mails each function accepts besides the scheduler's,
  # and the people among them who call with gcloud's audience (OIDC_GCLOUD_USER_EMAILS).
  caller_pairs = flatten([for member, fns in var.callers : [for fn in distinct(fns) : { member = member, fn = fn }]])
  caller_emails = {
    for key, _ in local.functions : key => [for p in local.caller_pairs : split(":", p.member)[1] if p.fn == key]
  }
  gcloud_user_emails = {
    for key, _ in local.functions : key => [
      for p in local.caller_pairs : split(":", p.member)[1] if p.fn == key && startswith(p.member, "user:")
    ]
  }
  # The scheduler may call all three (health: the deep check scripts/call.sh --function health runs).
  function_env = {
    for key, _ in local.functions : key => {
      OIDC_AUDIENCE           = local.function_urls[key]
      OIDC_ALLOWED_EMAILS     = join(",", concat([google_service_account.scheduler.email], local.caller_emails[key]))
      OIDC_GCLOUD_USER_EMAILS = join(",", local.gcloud_user_emails[key])
      # the run's budget and lease are sized to the timeout the platform enforces
      FUNCTION_TIMEOUT_S = tostring(local.functions[key].timeout)
    }
  }

  # Environment every function gets (DESIGN §3); function_env adds the per-function auth variables.
  # MEXC_API_KEY / MEXC_API_SECRET come from Secret Manager (secret_environment_variables).
  # OIDC_CERTS_URL keeps its default (Google's certs); FIRESTORE_EMULATOR_HOST is never set in the cloud.
  common_env = {
    MEXC_BASE_URL        = var.mexc_base_url
    MEXC_RECV_WINDOW_MS  = tostring(var.mexc_recv_window_ms)
    LIVE_TRADING         = var.live_trading ? "true" : "false"
    STRATEGY_PROFILES    = var.strategy_profiles
    ACCOUNT_ID           = var.account_id
    AUTH_MODE            = var.auth_mode
    REPLAY_WINDOW_S      = tostring(var.replay_window_s)
    LEDGER               = "firestore"
    GOOGLE_CLOUD_PROJECT = var.project_id
    FIRESTORE_DATABASE   = google_firestore_database.ledger.name
    RUN_RETENTION_DAYS   = tostring(var.run_retention_days)
    LOG_LEVEL            = var.log_level
  }

  secret_env = {
    MEXC_API_KEY    = google_secret_manager_secret.mexc["MEXC_API_KEY"].secret_id
    MEXC_API_SECRET = google_secret_manager_secret.mexc["MEXC_API_SECRET"].secret_id
  }
}

resource "google_project_service" "apis" {
  for_each           = local.apis
  service            = each.value
  disable_on_destroy = false
}
