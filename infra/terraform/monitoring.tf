# Log-based metrics over the run.finished event the rebalance function writes once per run
# (contract in docs/operations.md, "Log event contract"): {"message":"run.finished","status","durationMs","ordersPlaced","executionId"}.
locals {
  run_finished_filter = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "resource.labels.service_name=\"${local.function_names.rebalance}\"",
    "jsonPayload.message=\"run.finished\"",
  ])
  metric_prefix = replace(var.name_prefix, "-", "_")
  # one line per order the exchange accepted: {"message":"order.placed","side","symbol","executedQuote",…}
  order_placed_filter = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "resource.labels.service_name=\"${local.function_names.rebalance}\"",
    "jsonPayload.message=\"order.placed\"",
  ])
  # one line per snapshot: {"message":"snapshot.recorded","profile","value","drift",…}
  snapshot_filter = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "resource.labels.service_name=\"${local.function_names.snapshot}\"",
    "jsonPayload.message=\"snapshot.recorded\"",
  ])
}

resource "google_logging_metric" "runs" {
  name        = "${local.metric_prefix}_runs"
  description = "Finished rebalance runs by status (completed, dry_run, skipped, failed)."
  filter      = local.run_finished_filter

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "qrl-rebalancer runs"
    labels {
      key         = "status"
      value_type  = "STRING"
      description = "run status"
    }
  }

  label_extractors = {
    status = "EXTRACT(jsonPayload.status)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "orders_placed" {
  name            = "${local.metric_prefix}_orders_placed"
  description     = "Orders placed per rebalance run (distribution; sum = orders placed)."
  filter          = local.run_finished_filter
  value_extractor = "EXTRACT(jsonPayload.ordersPlaced)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "1"
    display_name = "qrl-rebalancer orders placed per run"
  }

  bucket_options {
    explicit_buckets {
      bounds = [0.5, 1.5, 2.5, 4.5, 8.5]
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "run_duration" {
  name            = "${local.metric_prefix}_run_duration"
  description     = "Duration of rebalance runs in milliseconds."
  filter          = local.run_finished_filter
  value_extractor = "EXTRACT(jsonPayload.durationMs)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "ms"
    display_name = "qrl-rebalancer run duration"
  }

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 16
      growth_factor      = 2
      scale              = 50
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "run_fees" {
  name            = "${local.metric_prefix}_run_fees"
  description     = "Fees of each rebalance run valued in the profile's quote asset (feesQuote of run.finished; fees in other assets are left out, the ledger has them all)."
  filter          = local.run_finished_filter
  value_extractor = "EXTRACT(jsonPayload.feesQuote)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "1"
    display_name = "qrl-rebalancer fees per run"
  }

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 16
      growth_factor      = 2
      scale              = 0.01
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "orders" {
  name        = "${local.metric_prefix}_orders"
  description = "Orders the exchange accepted, by side (one per order.placed line)."
  filter      = local.order_placed_filter

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "qrl-rebalancer orders"
    labels {
      key         = "side"
      value_type  = "STRING"
      description = "BUY or SELL"
    }
  }

  label_extractors = {
    side = "EXTRACT(jsonPayload.side)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "order_notional" {
  name            = "${local.metric_prefix}_order_notional"
  description     = "Quote amount each accepted order executed when it was placed (executedQuote of order.placed), in the profile's quote asset."
  filter          = local.order_placed_filter
  value_extractor = "EXTRACT(jsonPayload.executedQuote)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "1"
    display_name = "qrl-rebalancer notional per order"
  }

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 16
      growth_factor      = 2
      scale              = 1
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "drift" {
  name            = "${local.metric_prefix}_drift"
  description     = "Total drift of the portfolio from its targets at each snapshot (drift of snapshot.recorded; 0 = on target)."
  filter          = local.snapshot_filter
  value_extractor = "EXTRACT(jsonPayload.drift)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "1"
    display_name = "qrl-rebalancer drift at snapshots"
    labels {
      key         = "profile"
      value_type  = "STRING"
      description = "strategy profile"
    }
  }

  label_extractors = {
    profile = "EXTRACT(jsonPayload.profile)"
  }

  bucket_options {
    explicit_buckets {
      bounds = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "failed_run" {
  display_name          = "qrl-rebalancer: rebalance run failed"
  combiner              = "OR"
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "a run.finished event with status failed"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.runs.name}\" AND resource.type=\"cloud_run_revision\" AND metric.label.status=\"failed\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
      trigger {
        count = 1
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A rebalance run ended with status failed. Runbook: docs/operations.md, section \"When the failed-run alert fires\"."
  }
}

# Any finished run that did not fail counts: completed, dry_run (the default until LIVE_TRADING=true)
# and skipped all prove that the scheduler, auth, ledger and exchange path work.
resource "google_monitoring_alert_policy" "no_successful_run" {
  display_name          = "qrl-rebalancer: no successful rebalance run in 2 periods"
  combiner              = "OR"
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "no run.finished event with status completed, dry_run or skipped"
    condition_absent {
      filter   = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.runs.name}\" AND resource.type=\"cloud_run_revision\" AND metric.label.status=one_of(\"completed\", \"dry_run\", \"skipped\")"
      duration = "${max(120, 2 * var.rebalance_period_minutes * 60)}s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
      trigger {
        count = 1
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "No rebalance run finished without failure for two schedule periods. Check that the scheduler job is not paused, its last attempt's HTTP status, and the function's logs. Runbook: docs/operations.md, section \"When the no-successful-run alert fires\"."
  }
}
