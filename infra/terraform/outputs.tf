output "function_urls" {
  description = "Deterministic URLs of the functions; each is also the OIDC audience the function expects."
  value       = local.function_urls
}

output "function_service_uris" {
  description = "URLs Cloud Run reports for the functions (hash form); same services as function_urls."
  value       = { for key, fn in google_cloudfunctions2_function.fn : key => fn.service_config[0].uri }
}

output "runtime_service_account" {
  description = "Service account the functions run as."
  value       = google_service_account.runtime.email
}

output "scheduler_service_account" {
  description = "Service account the scheduler signs OIDC tokens with; allowed on all three functions."
  value       = google_service_account.scheduler.email
}

output "scheduler_jobs" {
  description = "Cloud Scheduler job names (pause one to stop its runs)."
  value       = { for key, job in google_cloud_scheduler_job.job : key => job.name }
}

output "secret_ids" {
  description = "Secret Manager secrets to add the MEXC key and secret to."
  value       = [for s in google_secret_manager_secret.mexc : s.secret_id]
}

output "egress_ip" {
  description = "Static outbound address to bind the MEXC API key to (null when static_egress_ip is false)."
  value       = var.static_egress_ip ? google_compute_address.egress[0].address : null
}

output "live_trading" {
  description = "Whether orders are sent (LIVE_TRADING)."
  value       = var.live_trading
}

output "callers" {
  description = "Who may call each function by hand (besides the scheduler account): OIDC_ALLOWED_EMAILS, and the people who may use gcloud's audience (OIDC_GCLOUD_USER_EMAILS)."
  value = {
    for key, _ in local.functions : key => {
      allowed_emails     = local.caller_emails[key]
      gcloud_user_emails = local.gcloud_user_emails[key]
    }
  }
}
