# One Cloud Monitoring dashboard over the log-based metrics of monitoring.tf: runs by status, failed and
# missing runs (with the two alert policies), orders, notional per order, drift at snapshots, run
# latency, orders per run, fees per run (valued in the quote asset).
resource "google_monitoring_dashboard" "overview" {
  dashboard_json = templatefile("${path.module}/dashboard.json.tftpl", {
    title                    = "qrl-rebalancer (${var.name_prefix})"
    runs_metric              = google_logging_metric.runs.name
    orders_placed_metric     = google_logging_metric.orders_placed.name
    run_duration_metric      = google_logging_metric.run_duration.name
    orders_metric            = google_logging_metric.orders.name
    order_notional_metric    = google_logging_metric.order_notional.name
    run_fees_metric          = google_logging_metric.run_fees.name
    drift_metric             = google_logging_metric.drift.name
    failed_run_policy        = google_monitoring_alert_policy.failed_run.name
    no_successful_run_policy = google_monitoring_alert_policy.no_successful_run.name
    expected_runs_per_hour   = max(1, floor(60 / var.rebalance_period_minutes))
  })
}
