locals {
  schedules = {
    rebalance = var.rebalance_schedule
    snapshot  = var.snapshot_schedule
  }
}

resource "google_cloud_scheduler_job" "job" {
  for_each  = local.schedules
  name      = local.function_names[each.key]
  region    = var.region
  schedule  = each.value
  time_zone = var.time_zone
  # A deadline at or below the function timeout would make Scheduler retry while the first attempt
  # still runs; the ledger would dedupe it, but the attempt would be reported as failed.
  attempt_deadline = "${local.functions[each.key].timeout + var.scheduler_deadline_margin_seconds}s"

  # Scheduler retries any answer outside 200-299 (HttpTarget: "acknowledged by means of an HTTP
  # response code in the range [200 - 299]"), with intervals min, 2x, 4x, 8x, then max_backoff:
  # https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#retryconfig
  # A retry that meets the live attempt gets 409 run.in_progress and keeps retrying; the +150 s and
  # +270 s retries come after the lease (timeout + 5 s) and resume a dead attempt under its own id.
  retry_config {
    retry_count          = var.scheduler_retry_count
    min_backoff_duration = "10s"
    max_backoff_duration = "120s"
    max_doublings        = 3
  }

  http_target {
    http_method = "POST"
    uri         = local.function_urls[each.key]
    body        = base64encode("{}")
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.function_urls[each.key]
    }
  }

  lifecycle {
    precondition {
      condition     = local.functions[each.key].timeout + var.scheduler_deadline_margin_seconds <= 1800
      error_message = "Cloud Scheduler allows at most 30 minutes (1800s) as the attempt deadline of an HTTP target."
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.scheduler_invokes]
}
